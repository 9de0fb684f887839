__version__ = "0.0.1"

# torch deprecates `torch.jit.script`, which fastai and timm still call while they are imported: a FutureWarning about
# their code, not ours, printed before every command's output. Silenced here, narrowly, before either is imported.
import warnings as _w
_w.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
