"""Language processing: the one spaCy pipeline owner (``pipeline``), sentence embeddings (``embeddings``, with the
ONNX Runtime MiniLM in ``onnx_model``) and procedural-turn recognition (``procedural``)."""
