//! Small gadgets shared by several circuits.

mod log;
mod nonzero;
mod var_struct;

pub use log::LogCursor;
pub use nonzero::enforce_nonzero_where;
pub(crate) use var_struct::var_struct;
