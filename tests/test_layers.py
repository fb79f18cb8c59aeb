"""The package's layers, read from the import statements: no module imports from a layer above its
own, and no two modules import each other, directly or around a loop. Imports inside functions
count too: a lazy import is still a dependency.

The layers, lowest first (docs/architecture.md draws them):
  base      shared types, settings and small utilities that import nothing above them
  text      normalizing, tokenizing, the place and number vocabularies
  ingest    file formats, cleaning, documents, chunks
  models    the e5 model files, tokenizer and embedders
  index     the index on disk: build, store, add, Milvus storage
  retrieval retrievers over a loaded index
  reading   the readers (rules and learned) and follow-up rewriting
  pipeline  one pipeline that wires the stages from the settings
  tools     evaluation, benchmarks, reader training: beside the serving path, which never imports them
  shells    the CLI (whose eval/bench/train commands run the tools) and the HTTP API
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("qa", "qa.types", "qa.settings", "qa.lru", "qa.console", "qa.vectors", "qa.fusion", "qa.bm25", "qa.dense")),
    ("text", ("qa.normalize", "qa.tokenize", "qa.divisions", "qa.metadata", "qa.answering.numbers", "qa.answering.places",
              "qa.cedict", "qa.crosslingual", "qa.english_anchors", "qa.name_places",
              "qa.answering.words")),
    ("ingest", ("qa.formats", "qa.cleaning", "qa.cleaning_rules", "qa.documents", "qa.chunking")),
    ("models", ("qa.e5onnx", "qa.embedders")),
    ("index", ("qa.index_files", "qa.index_manifest", "qa.embedding_cache", "qa.index_store", "qa.build_worker",
               "qa.adding", "qa.milvus_backend")),
    ("retrieval", ("qa.retrieval", "qa.milvus_retrieval")),
    ("reading", ("qa.answering", "qa.reader")),
    ("pipeline", ("qa.pipeline", "qa.pipeline_process", "qa.contract")),
    ("tools", ("qa.evaluation", "qa.bench", "qa.reader.training", "qa.reader.training_data", "qa.reader.torch_model",
               "qa.reader.squad", "qa.reader.calibration", "qa.reader.combiner_fit")),
    ("shells", ("qa.cli", "api")),
]


def layer_of(module: str) -> int:
    """The layer of the longest prefix named in LAYERS (so a module can sit above its package)."""
    best, level = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), i
    assert level is not None, f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}"
    return level


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted([*(ROOT / "qa").rglob("*.py"), *(ROOT / "api").rglob("*.py")]):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules that `module` imports (a `from package import name` that names a
    module counts as that module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known] or [target]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import qa.reader.learned` -> that module; a name -> its module
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: imports(m, p, known) for m, p in mods.items()}


def test_every_module_has_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = [
        f"{m} ({LAYERS[layer_of(m)][0]}) imports {d} ({LAYERS[layer_of(d)][0]})"
        for m, deps in graph().items()
        for d in sorted(deps)
        if layer_of(d) > layer_of(m) and not (m == "qa" or d == "qa")
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_the_serving_path_imports_no_tool() -> None:
    """The HTTP API serves from the pipeline alone: no evaluation, benchmark, training or CLI code."""
    tools = [i for i, (name, _) in enumerate(LAYERS) if name == "tools"][0]
    bad = [
        f"{m} imports {d}"
        for m, deps in graph().items()
        if m == "api" or m.startswith("api.")
        for d in sorted(deps)
        if layer_of(d) == tools or d == "qa.cli" or d.startswith("qa.cli.")
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    g = graph()
    # a package importing its own submodules (re-exports, the factory in qa/reader/__init__) is not a cycle
    edges = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in g.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d) :] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The reader of imports resolves relative, absolute and lazy imports (guards the guard)."""
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    from ..pipeline import Pipeline\nimport qa.cli.main\nfrom . import numbers\n", encoding="utf-8")
    known = {"qa.pipeline", "qa.cli.main", "qa.cli", "qa.answering", "qa.answering.numbers", "qa.answering.question"}
    got = imports("qa.answering.question", path, known)
    assert got == {"qa.pipeline", "qa.cli.main", "qa.answering.numbers"}
    assert layer_of("qa.pipeline") > layer_of("qa.answering.question") > layer_of("qa.answering.numbers")
