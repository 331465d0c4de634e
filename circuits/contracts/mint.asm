; Mint: calldata = [account, amount, note_hash, nullifier]. Credits `amount` to slot `account`,
; emits the note hash and the nullifier (e.g. bridging a private note into public balance).
    calldata r0, 0
    calldata r1, 1
    sload r2, r0
    add r2, r2, r1
    sstore r0, r2
    calldata r3, 2
    note r3
    calldata r4, 3
    nullify r4
    return
