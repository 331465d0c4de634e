; Token transfer. calldata = [from, to, amount]; the balance of account `a` lives in slot `a`.
; Balances and amounts are below 2^64 (the range of `lt`). An insufficient balance reverts,
; which makes the call (and its tx) invalid: the sequencer drops the tx.
    calldata r0, 0
    calldata r1, 1
    calldata r2, 2
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
