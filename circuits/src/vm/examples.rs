//! The example contracts shipped in assembler form under `circuits/contracts/`.

use super::asm::assemble;
use super::isa::Bytecode;

/// `counter.asm`: `storage[0] += calldata[0]`.
pub const COUNTER: &str = include_str!("../../contracts/counter.asm");
/// `token.asm`: `[0, from, to, amount]` transfers (reverting on an insufficient balance),
/// `[1, account, amount, nullifier]` mints against a consumed private note.
pub const TOKEN: &str = include_str!("../../contracts/token.asm");
/// `mint.asm`: credit a public balance and emit a note hash and a nullifier.
pub const MINT: &str = include_str!("../../contracts/mint.asm");

/// Every example as `(name, source)`.
pub const ALL: [(&str, &str); 3] = [("counter", COUNTER), ("token", TOKEN), ("mint", MINT)];

/// Assembles one of the shipped sources (they are known to assemble).
pub fn example(source: &str) -> Bytecode {
    assemble(source).expect("shipped contracts assemble")
}
