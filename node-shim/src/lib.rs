//! Node shim: L1 contracts and the block-lifecycle driver.
