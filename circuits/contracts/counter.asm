; Counter: storage[0] += calldata[0].
    set r0, 0
    sload r1, r0
    calldata r2, 0
    add r1, r1, r2
    sstore r0, r1
    return
