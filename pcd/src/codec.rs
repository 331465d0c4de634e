//! [`NodeProof`] as bytes, so a node's proof can be stored and shipped to the machine that
//! proves its parent. Points are compressed and checked on the way in (on the curve, in the
//! subgroup); vector lengths are checked against the keys by [`NodeProof::has_shapes_of`]
//! before any use.

use ark_serialize::{
    CanonicalDeserialize, CanonicalSerialize, Compress, SerializationError, Validate,
};
use sonobe_primitives::utils::null::Null;

use crate::{
    Error, Result,
    prover::NodeProof,
    types::{FreshU1, FreshW1, RunningU1, RunningU2, RunningW1, RunningW2},
};

const MAGIC: &[u8; 8] = b"SCPCDNP1";

fn put<T: CanonicalSerialize>(out: &mut Vec<u8>, x: &T) {
    x.serialize_with_mode(out, Compress::Yes)
        .expect("writing to a Vec cannot fail");
}

fn get<T: CanonicalDeserialize>(r: &mut &[u8]) -> Result<T> {
    Ok(T::deserialize_with_mode(r, Compress::Yes, Validate::Yes)?)
}

impl NodeProof {
    /// The proof's bytes (format `SCPCDNP1`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put(&mut out, &self.state);
        let (u, w) = (&self.running_u, &self.running_w);
        put(&mut out, &(u.cm_e, u.u, u.cm_w, u.x.clone()));
        put(&mut out, &(w.e.clone(), w.w.clone()));
        put(&mut out, &(self.fresh_u.cm_w, self.fresh_u.x.clone()));
        put(&mut out, &self.fresh_w.w);
        let (u, w) = (&self.cf_u, &self.cf_w);
        put(&mut out, &(u.cm_e, u.u, u.cm_w, u.x.clone()));
        put(&mut out, &(w.e.clone(), w.w.clone()));
        out
    }

    /// Reads a proof written by [`NodeProof::to_bytes`]; malformed bytes are an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or(Error::Serialization(SerializationError::InvalidData))?;
        let state = get(&mut r)?;
        let (cm_e, u, cm_w, x) = get(&mut r)?;
        let running_u = RunningU1 { cm_e, u, cm_w, x };
        let (e, w) = get(&mut r)?;
        let running_w = RunningW1 {
            e,
            r_e: Null,
            w,
            r_w: Null,
        };
        let (cm_w, x) = get(&mut r)?;
        let fresh_u = FreshU1 { cm_w, x };
        let fresh_w = FreshW1 {
            w: get(&mut r)?,
            r_w: Null,
        };
        let (cm_e, u, cm_w, x) = get(&mut r)?;
        let cf_u = RunningU2 { cm_e, u, cm_w, x };
        let (e, w) = get(&mut r)?;
        let cf_w = RunningW2 {
            e,
            r_e: Null,
            w,
            r_w: Null,
        };
        if !r.is_empty() {
            return Err(Error::Serialization(SerializationError::InvalidData));
        }
        Ok(NodeProof {
            state,
            running_w,
            running_u,
            fresh_w,
            fresh_u,
            cf_w,
            cf_u,
        })
    }
}
