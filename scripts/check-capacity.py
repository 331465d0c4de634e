#!/usr/bin/env python3
"""Checks what `sidecar capacity --json FILE --plot FILE.svg` wrote: the report answers every
question for every tier and proof system, and the plot is an SVG with one line per tier."""
import json
import sys
import xml.etree.ElementTree as ET

report_path, svg_path = sys.argv[1], sys.argv[2]
r = json.load(open(report_path))
m = r["measurement"]
assert r["profile"] == "minimum", r["profile"]
assert m["preset"] == "tiny" and m["threads"] >= 1 and m["keys_load_s"] > 0
kinds = {c["circuit"] for c in m["circuits"]}
assert kinds == {"public-vm", "public-kernel", "base-rollup", "merge-rollup", "root-rollup"}, kinds
for c in m["circuits"]:
    assert c["time_1_s"] > 0 and c["time_n_s"] > 0 and c["proof_bytes"] == 128, c
assert m["folding"]["node_1_s"] > 0 and m["folding"]["root_bytes"] > 0

plans = {(c["circuit"], c["proof_system"]) for c in r["circuits"]}
assert ("folding-node", "folding") in plans and ("base-rollup", "groth16") in plans, plans
for c in r["circuits"]:
    check = c["check"]
    assert check["time_s"] > 0 and check["threads"] >= 1 and c["basis"], c
    assert check["bytes_ok"] == (check["proof_bytes"] <= check["max_proof_bytes"]), c

tiers = {(t["tier"], t["proof_system"]) for t in r["tiers"]}
for tier in ("minimum", "recommended", "ideal"):
    for system in ("groth16", "folding"):
        assert (tier, system) in tiers, (tier, system, tiers)
for t in r["tiers"]:
    sizes = [p["txs"] for p in t["curve"]]
    assert sizes == sorted(sizes) and len(sizes) >= 5, sizes
    times = [p["total_s"] for p in t["curve"]]
    assert all(x > 0 for x in times), times
    assert t["max_txs_in_slot"] >= 1 and t["txs_per_s"] > 0, t["tier"]
    assert t["block_1024"]["critical_path_s"] <= t["block_1024"]["prove_s"] + 1e-6
    assert t["boxes_for_1024"] is None or t["boxes_for_1024"] >= 1
    assert t["disk_years"] > 0 and t["basis"], t["tier"]
# A bigger box proves a bigger block in the slot.
g16 = {t["tier"]: t["max_txs_in_slot"] for t in r["tiers"] if t["proof_system"] == "groth16"}
assert g16["minimum"] <= g16["recommended"] <= g16["ideal"], g16
assert len(r["this_box"]) == 4 and r["assumptions"], r["this_box"]

svg = ET.parse(svg_path).getroot()
assert svg.tag.endswith("svg"), svg.tag
lines = [e for e in svg.iter() if e.tag.endswith("polyline")]
assert len(lines) >= len(r["tiers"]) + 1, len(lines)
texts = " ".join((e.text or "") for e in svg.iter() if e.tag.endswith("text"))
for label in ("minimum (groth16)", "ideal (folding)", "slot (600 s)", "txs in the block"):
    assert label in texts, label
print(f"capacity report and plot check out: {len(r['tiers'])} tier plans, {len(lines)} lines")
