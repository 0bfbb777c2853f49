"""all-MiniLM-L6-v2 as an optimised ONNX model, built once on this machine from the installed weights.

    path = built_onnx_model(minilm_folder(), MINILM_SHA256)    # exports on first use, then reuses the file

The recipe (``EXPORT_RECIPE``): the PyTorch model (eager attention) plus sentence-transformers' mean
pooling is exported with ``torch.onnx.export``, then ONNX Runtime's transformer optimiser fuses the
embedding, attention, GELU and layer-norm subgraphs for the CPU. Weights stay float32: the vectors
match PyTorch's to 1e-6 (cosine 1.0000), and a text gets the same vector whatever batch it sits in.
(int8 dynamic quantisation was measured and rejected: it quantises each batch with one scale, so a
text's vector moved with its batch mates, cosine down to 0.92, which would break the cache and make
cluster and local runs differ.) Nothing is downloaded: the source is the sha256-checked
``model.safetensors`` of the installed package.

The built model lives in ``EVIDENCE_MODEL_CACHE`` (else ``$XDG_CACHE_HOME/evidence/models``, else
``~/.cache/evidence/models``) in a folder named after the source weights' hash and the recipe, so two
recipes or two sets of weights never share a file. A ``manifest.json`` beside it records the built file's
sha256, checked on every load: a truncated or replaced file is rebuilt, never used.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from pathlib import Path

from evidence.core.errors import EmbedderError

log = logging.getLogger(__name__)

EXPORT_RECIPE = "minilm-eager-meanpool-opset17-ortfused-fp32-v1"
#: the int8 model (``--embedder minilm-int8``): the fp32 model above with its weights quantised per channel
#: and activations quantised per run by ONNX Runtime (quantize_dynamic). It is run one text per call, so
#: the activation scale is the text's own and a text gets the same vector whatever else is embedded.
INT8_RECIPE = EXPORT_RECIPE.replace("-fp32-v1", "-int8dyn-perchannel-v1")
MODEL_FILE = "model.onnx"
MANIFEST_FILE = "manifest.json"


def model_cache_root() -> Path:
    """Where built models are kept for every project of this user (see the module docstring)."""
    if os.environ.get("EVIDENCE_MODEL_CACHE"):
        return Path(os.environ["EVIDENCE_MODEL_CACHE"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return base / "evidence" / "models"


def built_model_folder(weights_sha256: str, root: Path | None = None, recipe: str = EXPORT_RECIPE) -> Path:
    """The folder of the ONNX model built from weights with this sha256 by ``recipe``."""
    return (root or model_cache_root()) / f"minilm-onnx-{weights_sha256[:16]}-{recipe}"


def _checked(folder: Path) -> Path | None:
    """The folder's model file when it matches the sha256 its manifest records, else None."""
    from evidence.core.checksums import file_sha256

    model = folder / MODEL_FILE
    manifest = folder / MANIFEST_FILE
    if model.is_file() and manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8")).get("sha256", "")
        except ValueError:
            recorded = ""
        if recorded and file_sha256(model) == recorded:
            return model
        log.warning("%s: built model fails its recorded sha256; building it again", model)
    return None


def built_onnx_model(source_folder: Path, weights_sha256: str, *, root: Path | None = None) -> Path:
    """The built model file for ``source_folder`` (whose weights the caller has verified); built if
    missing or failing its recorded sha256."""
    folder = built_model_folder(weights_sha256, root)
    model = _checked(folder)
    if model is None:
        export_onnx(Path(source_folder), folder, weights_sha256)
        model = folder / MODEL_FILE
    return model


def built_int8_model(source_folder: Path, weights_sha256: str, *, root: Path | None = None) -> Path:
    """The int8 model (:data:`INT8_RECIPE`), quantised from the fp32 model once per machine (seconds)."""
    folder = built_model_folder(weights_sha256, root, INT8_RECIPE)
    model = _checked(folder)
    if model is not None:
        return model
    source = built_onnx_model(source_folder, weights_sha256, root=root)
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise EmbedderError(f"building the int8 embedder needs onnx and onnxruntime ({exc}); "
                            "pip install 'evidence-workbench[themes]'") from exc
    from evidence.core.checksums import file_sha256

    log.warning("quantising %s to int8 into %s (once per machine)", source, folder)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".building-") as tmp:
        work = Path(tmp) / "model"
        work.mkdir()
        logging.disable(logging.WARNING)  # its advice to pre-process is for image models, not the user's
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                quantize_dynamic(str(source), str(work / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True,
                                 extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        finally:
            logging.disable(logging.NOTSET)
        record = {"recipe": INT8_RECIPE, "source_sha256": weights_sha256, "from": file_sha256(source),
                  "sha256": file_sha256(work / MODEL_FILE)}
        (work / MANIFEST_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
        _install(work, folder)
    return folder / MODEL_FILE


def _install(work: Path, folder: Path) -> None:
    """Move a finished build into place (a broken earlier build is replaced; another process may win)."""
    if folder.exists():
        _remove_folder(folder)
    try:
        os.replace(work, folder)
    except OSError:
        if not (folder / MODEL_FILE).is_file():
            raise


def export_onnx(source_folder: Path, folder: Path, weights_sha256: str) -> None:
    """Export and fuse the model into ``folder`` (atomically: a half-built model is never left where a
    reader would find it). Takes 15-60 s once per machine."""
    try:
        import torch
        from onnxruntime.transformers import optimizer
        from transformers import AutoConfig, AutoModel
    except ImportError as exc:
        raise EmbedderError(
            f"building the fast embedder once needs torch, transformers, onnx and onnxruntime ({exc}); "
            "pip install 'evidence-workbench[themes]', or use --embedder minilm"
        ) from exc
    from evidence.core.checksums import file_sha256

    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    folder.parent.mkdir(parents=True, exist_ok=True)
    log.warning("building the ONNX model from %s into %s (once per machine)", source_folder, folder)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".building-") as tmp:
        work = Path(tmp) / "model"
        work.mkdir()
        try:
            config = AutoConfig.from_pretrained(str(source_folder))
            transformer = AutoModel.from_pretrained(str(source_folder), attn_implementation="eager").eval()
        except Exception as exc:  # name the folder that failed, then stop
            raise EmbedderError(f"{source_folder}: could not load the model to export it: {exc}") from exc
        pooled = _MeanPooled(transformer)
        ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
        mask = (ids != 0).long()
        dynamic = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
        dynamic["sentence_embedding"] = {0: "batch"}
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes about Python control flow, not the user's
            torch.onnx.export(pooled, (ids, mask, torch.zeros_like(ids)), str(work / "float.onnx"),
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["sentence_embedding"], dynamic_axes=dynamic,
                              opset_version=17, dynamo=False)
        fused = optimizer.optimize_model(str(work / "float.onnx"), model_type="bert", opt_level=1,
                                         num_heads=int(config.num_attention_heads),
                                         hidden_size=int(config.hidden_size))
        fused.save_model_to_file(str(work / MODEL_FILE))
        (work / "float.onnx").unlink()
        record = {"recipe": EXPORT_RECIPE, "source_sha256": weights_sha256,
                  "sha256": file_sha256(work / MODEL_FILE), "torch": torch.__version__,
                  "fused": {k: int(v) for k, v in fused.get_fused_operator_statistics().items() if v}}
        (work / MANIFEST_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
        _install(work, folder)


def _remove_folder(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def _mean_pooled_class():
    import torch

    class MeanPooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling over the attention mask."""

        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001 - traced tensors
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            return (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return MeanPooled


def _MeanPooled(transformer):  # noqa: N802 - reads like the class it builds
    return _mean_pooled_class()(transformer)


def inference_session(model: Path, threads: int | None = None):
    """An ONNX Runtime CPU session for a built model (all graph optimisations on)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = int(threads)
    try:
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # name the file and what to do
        raise EmbedderError(f"{model}: ONNX Runtime could not load the built model ({exc}); delete "
                            "the folder so it is built again") from exc
