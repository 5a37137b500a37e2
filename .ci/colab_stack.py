"""`make test-colab`: every notebook of every edition on Colab's own stack (.ci/colab-constraints.txt).

A virtual environment with Colab's versions on the newest Python here (or --python), the package installed the
way the notebooks' install cell installs it (pip, non-editable, no extras; it must not upgrade or downgrade any
package the environment already has), then each of the 12 notebooks run in a fresh empty folder by a kernel of
that environment, where `google.colab` is not importable. Checked: no cell raises, nothing on stderr, every
solution check prints ✅ and every exercise check ⏳, the reported results equal the stored ones within
`lab run-all --compare`'s tolerances; and the playground, built in a live kernel, retrains and redraws when a
slider moves (the comm message a browser sends). Not simulated: Colab's browser front end and its CUDA build.

    python .ci/colab_stack.py [--python PATH] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab_utils import layout  # noqa: E402
from lab_utils.i18n import LANGUAGES  # noqa: E402
from lab_utils.results import read_results  # noqa: E402
from lab_utils.tools.run.compare import compare_results  # noqa: E402
from lab_utils.tools.run.dispatch import in_parallel  # noqa: E402
from lab_utils.tools.run.execution import kernelspec, run_papermill  # noqa: E402

CONSTRAINTS = ROOT / ".ci" / "colab-constraints.txt"
CACHE = ROOT / ".cache" / "colab-stack"
KERNEL = "colab-stack"
EDITIONS = [layout.folder(language, kind) for language in LANGUAGES for kind in layout.KINDS]
MARKS = ("✅", "❌", "⏳")


def colab_packages() -> dict[str, str]:
    """Colab's own packages and versions: the constraints' lines marked `# colab`."""
    found = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line.rstrip().endswith("# colab"):
            name, _, version = line.split("#")[0].strip().partition("==")
            found[name.lower()] = version
    return found


def newest_python() -> str:
    """The newest CPython 3.11+ here: pyenv's versions, then python3.13 ... python3.11 on PATH."""
    candidates = []
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip() if shutil.which(
        "pyenv") else ""
    for exe in Path(root or "/nonexistent").glob("versions/3.*/bin/python3.*"):
        if re.fullmatch(r"python3\.\d+", exe.name):
            candidates.append(exe)
    candidates += [Path(p) for v in range(20, 10, -1) if (p := shutil.which(f"python3.{v}"))]

    def version(exe: Path) -> tuple[int, ...]:
        out = subprocess.run([str(exe), "-c", "import sys; print(*sys.version_info[:3])"], capture_output=True,
                             text=True)
        return tuple(map(int, out.stdout.split())) if out.returncode == 0 else (0,)

    best = max(candidates, key=version, default=None)
    if best is None or version(best) < (3, 11):
        sys.exit("test-colab: no Python 3.11 or newer found; pass --python PATH")
    return str(best)


# What the install cell may add to Colab: lab_utils's own small pure-Python dependencies, which Colab's pip-freeze
# lacks (polib reads the translation catalogs; koreanize-matplotlib ships the Korean font). Adding is not upgrading.
ADDS = {"polib", "koreanize-matplotlib"}


def pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args], capture_output=True,
                          text=True)


def environment(base: str) -> Path:
    """The Colab environment for this Python (cached; rebuilt when the constraints change)."""
    tag = subprocess.run([base, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True,
                         text=True).stdout.strip()
    key = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()[:10]
    venv = CACHE / f"venv-{tag}-{key}"
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        wanted = [f"{n}=={v}" for n, v in colab_packages().items()]
        done = pip(python, "install", "--quiet", "-c", str(CONSTRAINTS), *wanted)
        if done.returncode:
            sys.exit(f"test-colab: installing Colab's packages failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        (venv / ".complete").touch()
    return python


def install_package(python: Path, work: Path) -> list[str]:
    """Install this checkout as the install cell does (pip install <source>); problems if pip would change any
    package the environment has."""
    wheels = work / "wheel"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                            str(ROOT)], capture_output=True, text=True)
    if built.returncode:
        return [f"building the wheel failed: {built.stderr[-500:]}"]
    wheel = next(wheels.glob("lab_utils-*.whl"))
    pip(python, "uninstall", "--yes", "--quiet", "lab-utils")
    report = work / "report.json"
    dry = pip(python, "install", "--dry-run", "--quiet", "--report", str(report), str(wheel))
    if dry.returncode:
        return [f"pip cannot install the package: {dry.stderr[-500:]}"]
    have = {d["metadata"]["name"].lower(): d["metadata"]["version"] for d in json.loads(
        pip(python, "inspect").stdout)["installed"]}
    problems = []
    for item in json.loads(report.read_text())["install"]:
        name, version = item["metadata"]["name"].lower(), item["metadata"]["version"]
        if name != "lab-utils" and name in have:
            problems.append(f"the install would change {name} {have[name]} -> {version}")
        elif name != "lab-utils" and name not in ADDS:
            problems.append(f"the install would add {name} {version} (Colab's stack lacks it)")
    if not problems:
        done = pip(python, "install", "--quiet", str(wheel))
        if done.returncode:
            problems.append(f"pip install failed: {done.stderr[-500:]}")
    return problems


def colab_kernel(python: Path, folder: Path) -> dict[str, str]:
    """A Jupyter kernel that runs in the Colab environment; the environment variables that make it findable."""
    # PYDEVD_...: debugpy's notice about frozen modules, on stderr
    return {**kernelspec(KERNEL, python, folder, {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}), "PYTHONNOUSERSITE": "1"}


def check_lines(nb: dict) -> list[str]:
    """The lines the exercise checks printed."""
    lines = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                lines += [ln for ln in "".join(out["text"]).splitlines() if ln.startswith(MARKS)]
    return lines


def run_one(path: Path, work: Path) -> tuple[str, float, list[str]]:
    """Run one notebook in an empty folder on the Colab kernel; its problems."""
    rel = path.relative_to(ROOT).as_posix()
    folder = work / "runs" / rel.replace("/", "__")
    folder.mkdir(parents=True)
    src = folder.parent / f"{folder.name}.source.ipynb"
    shutil.copy(path, src)
    out = folder / path.name
    code, log, seconds = run_papermill(src, out, {}, KERNEL, timeout=1200)
    problems = [] if code == 0 else [f"failed: {log.strip().splitlines()[-1] if log.strip() else code}"]
    if not out.is_file():
        return rel, seconds, problems or ["no executed notebook"]
    nb = json.loads(out.read_text())
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                problems.append(f"cell {cell.get('id')} wrote to stderr: {''.join(o['text']).strip()[:200]}")
            if o.get("output_type") == "error":
                problems.append(f"cell {cell.get('id')} raised {o.get('ename')}: {str(o.get('evalue'))[:200]}")
    lines = check_lines(nb)
    language, kind = layout.place_of(rel.rpartition("/")[0]) or (layout.SOURCE, "solution")
    solution = kind == "solution"
    want = "✅" if solution else "⏳"
    if len(lines) < 3 or any(not ln.startswith(want) for ln in lines):
        problems.append(f"the checks printed {lines or 'nothing'}; every one should be {want}")
    if language != layout.SOURCE and any("Exercise" in ln for ln in lines):
        # The installed wheel must carry the runtime catalog, and polib read it, on Colab's stack.
        problems.append(f"a translated ({language}) notebook's checks printed English: {lines[:1]}")
    if solution:
        stored = read_results(path)
        problems += compare_results(stored, read_results(out))
    if sorted(p.name for p in folder.iterdir()) != [path.name]:
        extra = sorted(p.name for p in folder.iterdir() if p.name != path.name)
        problems.append(f"left files in its working folder: {extra}")
    return rel, seconds, problems


PLAYGROUND = """
%matplotlib inline
import lab_utils as lab
from IPython.display import display
X, y = lab.gate_data("xor")
box = lab.playground(X, y, models=20)
display(box)
"""


def playground() -> list[str]:
    """Build the playground in a live Colab kernel, move its seed slider as a browser would, and see it redraw
    (the kernelspec's environment variables are set: see main)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
    problems: list[str] = []
    try:
        models: dict[str, dict] = {}

        def drain(until: float, want=None) -> dict | None:
            while time.time() < until:
                try:
                    msg = kc.get_iopub_msg(timeout=max(0.1, until - time.time()))
                except Exception:
                    return None
                kind, content = msg["msg_type"], msg["content"]
                if kind == "comm_open":
                    models[content["comm_id"]] = content["data"].get("state", {})
                elif kind == "comm_msg":
                    state = content["data"].get("state", {})
                    models.setdefault(content["comm_id"], {}).update(state)
                    if want and want(content["comm_id"], state):
                        return state
                elif kind == "error":
                    problems.append(f"the playground raised {content['ename']}: {content['evalue']}")
                    return None
            return None

        kc.execute(PLAYGROUND)
        deadline = time.time() + 90
        while time.time() < deadline and not any(s.get("_model_name") == "OutputModel" and s.get("outputs")
                                                 for s in models.values()):
            drain(min(deadline, time.time() + 1))
        outputs = [cid for cid, s in models.items() if s.get("_model_name") == "OutputModel"]
        seed = [cid for cid, s in models.items() if s.get("_model_name") == "IntSliderModel"
                and s.get("description") == "seed"]
        if not outputs or not seed or not models[outputs[0]].get("outputs"):
            built = sorted({str(s.get("_model_name")) for s in models.values()})
            return problems + [f"the playground did not build (widget models: {built})"]
        first = json.dumps(models[outputs[0]]["outputs"])
        # What a browser sends when the seed slider is dragged to 7 (ipywidgets 7's protocol 2: method "update").
        kc.session.send(kc.shell_channel.socket, "comm_msg", {"comm_id": seed[0], "data": {
            "method": "update", "state": {"value": 7}, "buffer_paths": []}})
        state = drain(time.time() + 90, want=lambda cid, s: cid == outputs[0] and bool(s.get("outputs")))
        if state is None or json.dumps(state["outputs"]) == first:
            problems.append("moving the seed slider did not redraw the playground")
        elif "image/png" not in json.dumps(state["outputs"]):
            problems.append("the playground redrew without a figure")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description="every notebook on Colab's stack")
    parser.add_argument("--python", help="the interpreter for the Colab environment (default: the newest here)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    base = args.python or newest_python()
    python = environment(base)
    version = subprocess.run([str(python), "-c", "import sys, torch, numpy, matplotlib, ipywidgets, IPython; "
                              "print(sys.version.split()[0], torch.__version__, numpy.__version__, "
                              "matplotlib.__version__, ipywidgets.__version__, IPython.__version__)"],
                             capture_output=True, text=True).stdout.split()
    print(f"Colab stack: Python {version[0]}, torch {version[1]}, numpy {version[2]}, matplotlib {version[3]}, "
          f"ipywidgets {version[4]}, ipython {version[5]} ({python.parent.parent.name})")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="colab-stack-") as tmp:
        work = Path(tmp)
        problems = install_package(python, work)
        added = ", ".join(["lab-utils", *sorted(ADDS)])
        print(f"install cell: {'; '.join(problems) if problems else f'adds {added}, changes nothing else'}")
        failures += bool(problems)
        if problems:
            return 1
        env = colab_kernel(python, work / "jupyter")
        os.environ.update(env)
        if subprocess.run([str(python), "-c", "import google.colab"], capture_output=True, env={**os.environ,
                                                                                              **env}).returncode == 0:
            print("google.colab is importable in the Colab environment: the install cell would run; remove it")
            return 1
        notebooks = [p for edition in EDITIONS for p in sorted((ROOT / edition).glob("*.ipynb"))]
        for rel, seconds, problems in in_parallel(lambda p: run_one(p, work), notebooks, args.workers):
            print(f"{rel}: {'ok' if not problems else 'FAILED'} in {seconds:.1f} s")
            for problem in problems:
                print(f"  {problem}")
            failures += bool(problems)
        problems = playground()
        print(f"playground: {'; '.join(problems) if problems else 'built, and redrew when the seed slider moved'}")
        failures += bool(problems)
    print(f"test-colab: {len(notebooks)} notebooks and the playground, {failures} failed, "
          f"{time.perf_counter() - start:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
