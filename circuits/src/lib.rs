//! Circuits: gadgets, witness generation and the native simulator.
