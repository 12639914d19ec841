#!/usr/bin/env python3
"""make_graph.py LAYERS [--inference] [--init SPEC] > model.vg

A deep residual MLP written out layer by layer: layer i is
    %h_i = add %h_{i-1}, (relu (matmul %h_{i-1}, %w_i))
four nodes per layer (param, matmul, relu, add), trained with SGD on a
softmax cross-entropy loss. Widths are small so that what is measured is
the compiler's work per node, not the kernels' arithmetic. The layers' init
is he_normal unless --init gives another (a small normal(0, 0.001) keeps a
deep stack's activations finite for a test that trains it)."""
import sys

layers = int(sys.argv[1])
inference = "--inference" in sys.argv
init = sys.argv[sys.argv.index("--init") + 1] if "--init" in sys.argv else "he_normal"
out = ["graph @deep {", "  %x = input f32[8, 16]", "  %y = input i32[8]"]
prev = "%x"
for i in range(layers):
    out.append("  %%w%d = param f32[16, 16] init = %s" % (i, init))
    out.append("  %%h%d = add %s, (relu (matmul %s, %%w%d))" % (i, prev, prev, i))
    prev = "%%h%d" % i
out.append("  %wo = param f32[16, 4] init = xavier_uniform")
out.append("  %%lg = matmul %s, %%wo" % prev)
if not inference:
    out.append("  %loss = softmax_cross_entropy %lg, %y")
    out.append("  minimize %loss using sgd {lr = 0.01}")
out.append("  return %lg")
out.append("}")
print("\n".join(out))
