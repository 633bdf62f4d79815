"""Execute a notebook top to bottom with nbclient (as CI does); any failing cell fails.

Usage: python tests/engines/run_notebook.py NOTEBOOK WORKSPACE"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

nb_path, ws = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
os.environ["CSAT_WORKSPACE"] = str(ws)
nb = nbformat.read(nb_path, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}).execute()
for cell in nb.cells:
    for out in cell.get("outputs", []):
        if out.get("name") == "stdout":
            print(out.get("text", ""), end="")
print(f"notebook {nb_path}: all {len(nb.cells)} cells ran")
