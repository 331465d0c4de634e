; Token. calldata[0] selects the function:
;   0 = transfer [0, from, to, amount]: moves `amount` from account `from` to account `to`;
;   1 = mint     [1, account, amount, nullifier]: credits `account`, consuming a private note
;       whose nullifier is emitted (bridging private value into the public balance).
; The balance of account `a` lives in slot `a`. Balances and amounts are below 2^64 (the range
; of `lt`). An insufficient balance reverts, which makes the call (and its tx) invalid: the
; sequencer drops the tx.
    calldata r0, 0
    jmpi r0, mint
    calldata r0, 1
    calldata r1, 2
    calldata r2, 3
    sload r3, r0          ; balance of `from`
    lt r4, r3, r2
    jmpi r4, insufficient
    sub r3, r3, r2
    sstore r0, r3
    sload r5, r1          ; balance of `to` (sees the write above when from = to)
    add r5, r5, r2
    sstore r1, r5
    return
insufficient:
    revert
mint:
    calldata r0, 1
    calldata r1, 2
    sload r2, r0
    add r2, r2, r1
    sstore r0, r2
    calldata r3, 3
    nullify r3
    return
