//! The capacity plot: block proving time against txs on one box, one line per tier and proof
//! system, and the slot as a horizontal line; written as SVG.

use std::path::Path;

use plotters::prelude::*;
use sidecar_engine::capacity::{CapacityReport, ProofSystem};

use crate::exit::CliError;

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Writes `report`'s curves to `path` as an SVG image.
pub fn write_svg(report: &CapacityReport, path: &Path) -> Result<(), CliError> {
    let fail = |e: String| CliError::from(format!("plot {}: {e}", path.display()));
    let points = report.tiers.iter().flat_map(|t| &t.curve);
    let (mut x_max, mut y_min, mut y_max) = (2.0f64, f64::MAX, report.slot_s);
    for p in points {
        x_max = x_max.max(p.txs as f64);
        y_min = y_min.min(p.total_s);
        y_max = y_max.max(p.total_s);
    }
    let y_min = (y_min.min(report.slot_s) * 0.8).max(1e-3);
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
    let title = format!(
        "Block proving time on one box, {} preset (slot {} s)",
        report.measurement.preset, report.slot_s
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d((2f64..x_max).log_scale(), (y_min..y_max * 1.5).log_scale())
        .map_err(|e| fail(e.to_string()))?;
    chart
        .configure_mesh()
        .x_desc("txs in the block")
        .y_desc("seconds")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(|e| fail(e.to_string()))?;
    let mut names: Vec<&str> = Vec::new();
    for tier in &report.tiers {
        if !names.contains(&tier.tier.as_str()) {
            names.push(&tier.tier);
        }
        let index = names.iter().position(|n| *n == tier.tier).unwrap_or(0);
        let color = PALETTE[index % PALETTE.len()];
        let style = if tier.proof_system == ProofSystem::Groth16 {
            color.stroke_width(2)
        } else {
            color.stroke_width(1)
        };
        let series = tier.curve.iter().map(|p| (p.txs as f64, p.total_s));
        chart
            .draw_series(LineSeries::new(series, style))
            .map_err(|e| fail(e.to_string()))?
            .label(format!("{} ({})", tier.tier, tier.proof_system.name()))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    let slot = report.slot_s;
    chart
        .draw_series(LineSeries::new(
            [(2.0, slot), (x_max, slot)],
            BLACK.stroke_width(1),
        ))
        .map_err(|e| fail(e.to_string()))?
        .label(format!("slot ({slot} s)"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| fail(e.to_string()))?;
    root.present().map_err(|e| fail(e.to_string()))?;
    Ok(())
}
