//! The safe wgpu runtime: one adapter, device and queue; storage buffers, dispatch geometry,
//! submission and read-back. Device errors are collected instead of panicking (wgpu's default
//! uncaptured-error handler panics) and surface as [`Error::Device`] from the call that caused
//! them.

use std::sync::{Arc, Mutex};

use ::wgpu::util::DeviceExt;

use crate::{Error, Result};

/// Backend name used in errors.
pub(crate) const BACKEND: &str = "wgpu";

/// Invocations per workgroup; every shader entry point declares `@workgroup_size(64)`.
pub(crate) const WORKGROUP: u32 = 64;

/// An open device with its queue and the limits it was created with.
pub(crate) struct Gpu {
    pub device: ::wgpu::Device,
    pub queue: ::wgpu::Queue,
    pub info: ::wgpu::AdapterInfo,
    pub limits: ::wgpu::Limits,
    errors: Arc<Mutex<Vec<String>>>,
}

/// Dispatch geometry for `threads` invocations: workgroups in x and y, and the number of
/// invocations in one y-row (what shaders multiply `global_invocation_id.y` by).
pub(crate) struct Grid {
    pub x: u32,
    pub y: u32,
    pub row: u32,
}

impl Gpu {
    /// Opens the highest-performance adapter wgpu finds (Vulkan, Metal or DX12).
    pub fn open() -> Result<Self> {
        let instance = ::wgpu::Instance::new(
            ::wgpu::InstanceDescriptor::new_without_display_handle_from_env(),
        );
        let adapter =
            pollster::block_on(instance.request_adapter(&::wgpu::RequestAdapterOptions {
                power_preference: ::wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                compatible_surface: None,
                ..Default::default()
            }))
            .map_err(|e| Error::Unavailable {
                backend: BACKEND,
                reason: format!("no Vulkan, Metal or DX12 adapter found ({e})"),
            })?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) =
            pollster::block_on(adapter.request_device(&::wgpu::DeviceDescriptor {
                label: Some("sidecar-kernels"),
                required_limits: limits.clone(),
                ..Default::default()
            }))
            .map_err(|e| Error::Unavailable {
                backend: BACKEND,
                reason: format!("adapter {} refused a device: {e}", info.name),
            })?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        device.on_uncaptured_error(Arc::new(move |e: ::wgpu::Error| {
            if let Ok(mut v) = sink.lock() {
                v.push(e.to_string());
            }
        }));
        Ok(Self {
            device,
            queue,
            info,
            limits,
            errors,
        })
    }

    /// Largest buffer one binding may hold, in bytes.
    pub fn max_binding(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// A storage buffer holding `bytes` (padded to at least 4 bytes: empty bindings are invalid).
    pub fn storage(&self, label: &str, bytes: &[u8]) -> Result<::wgpu::Buffer> {
        self.check_size(bytes.len() as u64)?;
        let padded;
        let contents = if bytes.len() < 4 {
            padded = [0u8; 4];
            &padded[..]
        } else {
            bytes
        };
        Ok(self
            .device
            .create_buffer_init(&::wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage: ::wgpu::BufferUsages::STORAGE
                    | ::wgpu::BufferUsages::COPY_SRC
                    | ::wgpu::BufferUsages::COPY_DST,
            }))
    }

    /// An uninitialised storage buffer of `size` bytes that shaders write.
    pub fn output(&self, label: &str, size: u64) -> Result<::wgpu::Buffer> {
        self.check_size(size)?;
        Ok(self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: Some(label),
            size: size.max(4),
            usage: ::wgpu::BufferUsages::STORAGE | ::wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        }))
    }

    fn check_size(&self, size: u64) -> Result<()> {
        if size > self.max_binding() {
            return Err(Error::OutOfMemory {
                backend: BACKEND,
                needed_bytes: size as usize,
            });
        }
        Ok(())
    }

    /// Workgroup grid covering `threads` invocations within the per-dimension limit.
    pub fn grid(&self, threads: u32) -> Grid {
        let groups = threads.div_ceil(WORKGROUP).max(1);
        let max = self.limits.max_compute_workgroups_per_dimension.max(1);
        let x = groups.min(max);
        Grid {
            x,
            y: groups.div_ceil(x),
            row: x * WORKGROUP,
        }
    }

    /// Binds `buffers` to bindings 0.. of group 0 of `pipeline`.
    pub fn bind(
        &self,
        pipeline: &::wgpu::ComputePipeline,
        buffers: &[&::wgpu::Buffer],
    ) -> ::wgpu::BindGroup {
        let layout = pipeline.get_bind_group_layout(0);
        let entries: Vec<_> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| ::wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        self.device.create_bind_group(&::wgpu::BindGroupDescriptor {
            label: None,
            layout: &layout,
            entries: &entries,
        })
    }

    /// Submits `encoder`, waits for the device, and reports any error it raised meanwhile.
    pub fn finish(&self, encoder: ::wgpu::CommandEncoder) -> Result<()> {
        self.queue.submit(Some(encoder.finish()));
        self.wait()
    }

    fn wait(&self) -> Result<()> {
        self.device
            .poll(::wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Device {
                backend: BACKEND,
                reason: e.to_string(),
            })?;
        self.take_errors()
    }

    /// Turns errors the device reported since the last call into an [`Error::Device`].
    pub fn take_errors(&self) -> Result<()> {
        let mut errors = self.errors.lock().map_err(|_| Error::Device {
            backend: BACKEND,
            reason: "error sink poisoned".into(),
        })?;
        if errors.is_empty() {
            return Ok(());
        }
        let reason = errors.join("; ");
        errors.clear();
        Err(Error::Device {
            backend: BACKEND,
            reason,
        })
    }

    /// Copies the first `size` bytes of `buffer` to the host.
    pub fn read(&self, buffer: &::wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        let staging = self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: Some("readback"),
            size: size.max(4),
            usage: ::wgpu::BufferUsages::MAP_READ | ::wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size.max(4));
        self.finish(encoder)?;
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(::wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        self.wait()?;
        rx.recv()
            .map_err(|_| Error::Device {
                backend: BACKEND,
                reason: "read-back never completed".into(),
            })?
            .map_err(|e| Error::Device {
                backend: BACKEND,
                reason: format!("read-back: {e}"),
            })?;
        let view = staging.get_mapped_range(..).map_err(|e| Error::Device {
            backend: BACKEND,
            reason: format!("read-back: {e}"),
        })?;
        let out = view[..size as usize].to_vec();
        drop(view);
        staging.unmap();
        Ok(out)
    }
}
