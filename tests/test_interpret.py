"Known-answer tests for cns_tissue.interpret (no data, no training)"
import numpy as np, torch, torch.nn as nn, sklearn.metrics as skm
from cns_tissue.interpret import (Preds, PredsInterpretation, confusion_counts, bootstrap_report, dedup_mask, select_cases,
                                  knn_overlap, cam_boxes, gradcam, find_cam_layer, summarize, top_losses_table)

def _p(): return Preds([[.9, .1], [.2, .8], [.6, .4], [.3, .7]], [0, 1, 1, 1], [.1, .2, .9, .4], ['a', 'b', 'c', 'd'], ['x', 'y'])

def test_confusion_counts():
    assert confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3).tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    i = PredsInterpretation(_p())
    assert i.confusion_matrix().tolist() == [[1, 0], [1, 2]] and i.most_confused() == [('y', 'x', 1)]

def test_bootstrap_known_answer():
    rng = np.random.default_rng(0)
    t = np.repeat([0, 1], 500); p = t.copy(); p[rng.choice(1000, 200, replace=False)] ^= 1
    r = bootstrap_report(t, p, ['a', 'b'], seed=42)
    lo, v, hi = (r.loc['accuracy', ('f1', k)] for k in ('lo', 'value', 'hi'))
    assert abs(v - .8) < 1e-9 and abs(lo - (.8 - .0248)) < .005 and abs(hi - (.8 + .0248)) < .005
    assert abs(r.loc['macro avg', ('f1', 'value')] - skm.f1_score(t, p, average='macro')) < 1e-9
    r2 = bootstrap_report(t, p, ['a', 'b'], seed=42)
    assert r.equals(r2)   # fixed seed -> same interval

def test_dedup_and_cases():
    assert dedup_mask(['/c/128/test/a/1.jpg', '/c/128/test/b/2.jpg'], ['test/b/2.jpg']).tolist() == [False, True]
    p = _p()
    assert select_cases(p, 'confident_wrong') == [2] and select_cases(p, 'confident_correct', 2) == [0, 1]
    assert top_losses_table(p, 1).file.tolist() == ['c']
    assert 'y -> x: 1 of 3' in summarize(p, 'toy')

def test_knn_overlap():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 8)), rng.normal(size=(100, 8))
    assert abs(knn_overlap(a, b)['ratio'] - 1) < .1 and knn_overlap(a, b + 10)['ratio'] < .01

def test_cam_boxes_and_gradcam():
    hm = np.zeros((20, 30)); hm[2:6, 3:8] = .9; hm[10:18, 20:28] = 1.
    assert cam_boxes(hm) == [(20, 10, 28, 18, 1.0), (3, 2, 8, 6, 0.9)]
    class Toy(nn.Module):
        def __init__(self):
            super().__init__(); self.conv = nn.Conv2d(1, 2, 1)
            with torch.no_grad(): self.conv.weight.copy_(torch.tensor([1., -1.]).view(2, 1, 1, 1)); self.conv.bias.zero_()
        def forward(self, x): return torch.cat([torch.zeros(len(x), 1), self.conv(x).relu().mean((2, 3))[:, :1]], 1)
    m, x = Toy(), torch.zeros(1, 8, 8); x[0, :4, :4] = 1
    assert find_cam_layer(m, x[None]) is m.conv
    cam = gradcam(m, x, [1])[0]
    assert cam[:3, :3].min() > .99 and cam[5:, 5:].max() < 1e-6
