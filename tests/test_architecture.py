"""The import picture: surfaces <- networks <- optimizers <- viz <- ui <- pages, nothing back, no cycle;
Streamlit only in the app's layers; no private Streamlit API anywhere."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["surfaces", "networks", "optimizers", "viz", "ui", "pages"]  # each may import only those before it
PURE = {"surfaces", "networks", "optimizers", "viz", "ui/settings.py", "ui/texts.py", "ui/lesson_catalog.py"}


def imports(path: Path) -> set[str]:
    """Every module a file imports, lazily (inside functions) or not."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from optimizers import parallel" imports the module optimizers.parallel.
            base = ROOT / node.module.replace(".", "/")
            submodules = {a.name for a in node.names if (base / f"{a.name}.py").exists()}
            found |= {f"{node.module}.{name}" for name in submodules}
            if len(submodules) < len(node.names):
                found.add(node.module)
    return found


def files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).glob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_no_upward_import(layer):
    above = set(LAYERS[LAYERS.index(layer) + 1 :])
    for path in files(layer):
        upward = {m for m in imports(path) if m.split(".")[0] in above}
        assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"


def test_surfaces_know_no_optimizer():
    for path in files("surfaces"):
        assert not {m for m in imports(path) if m.startswith("optimizers")}, path.name


def test_numerics_and_catalogs_import_no_streamlit():
    for entry in PURE:
        for path in [ROOT / entry] if entry.endswith(".py") else files(entry):
            assert not {m for m in imports(path) if m.startswith("streamlit")}, path.relative_to(ROOT)


def test_no_private_streamlit_api():
    for path in [*ROOT.glob("*.py"), *(p for layer in LAYERS for p in files(layer))]:
        private = {
            m for m in imports(path) if m.startswith("streamlit.") and not m.startswith("streamlit.testing")
        }
        assert not private, f"{path.relative_to(ROOT)} imports {sorted(private)}"


def test_no_import_cycle_between_modules():
    modules = {}
    for layer in LAYERS[:-1]:
        for path in files(layer):
            name = f"{layer}.{path.stem}" if path.stem != "__init__" else layer
            modules[name] = {m for m in imports(path) if m.split(".")[0] in LAYERS}
    visiting, done = set(), set()

    def visit(name, trail):
        if name in done or name not in modules:
            return
        assert name not in visiting, " -> ".join([*trail, name])
        visiting.add(name)
        for target in modules[name]:
            visit(target, [*trail, name])
        visiting.discard(name)
        done.add(name)

    for name in modules:
        visit(name, [])


def test_the_docker_image_gets_every_package_of_the_app():
    copied = {
        line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")
    }
    assert {*LAYERS, "app.py", ".streamlit"} <= copied


def test_the_docker_image_gets_every_deploy_file_its_command_needs():
    """The image's command is deploy/warm.py: it and every deploy/ file it (and so on) imports
    or starts (deploy/launch.py starts the server) are copied."""
    import re

    lines = (ROOT / "Dockerfile").read_text().splitlines()
    copied = {word for line in lines if line.startswith("COPY ") for word in line.split()[1:-1]}
    command = next(line for line in lines if line.startswith("CMD "))
    needed, todo = set(), re.findall(r"deploy/\w+\.py", command)
    while todo:
        path = todo.pop()
        if path in needed:
            continue
        needed.add(path)
        text = (ROOT / path).read_text()
        named = re.findall(r"from deploy(?:\.| import )(\w+)", text)
        named += re.findall(r'"deploy" / "(\w+)\.py"', text)
        todo += [f"deploy/{name}.py" for name in named if (ROOT / "deploy" / f"{name}.py").exists()]
    assert "deploy/launch.py" in needed and "deploy/streamlit_client.py" in needed
    assert needed <= copied, sorted(needed - copied)


@pytest.mark.parametrize("folder", ["bench", "deploy"])
def test_tools_import_nothing_from_the_tests(folder):
    # The served-app starter and the protocol client are tools of the benchmarks and the tests
    # alike: they live in deploy/, and nothing outside tests/ reaches into tests/.
    for path in files(folder):
        from_tests = {m for m in imports(path) if m.split(".")[0] == "tests"}
        assert not from_tests, f"{path.relative_to(ROOT)} imports {sorted(from_tests)}"
