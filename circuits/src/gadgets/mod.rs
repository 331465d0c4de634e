//! Small gadgets shared by several circuits.

mod log;
mod nonzero;

pub use log::LogCursor;
pub use nonzero::enforce_nonzero_where;
