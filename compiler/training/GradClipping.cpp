//===- compiler/training/GradClipping.cpp - clip gradients ----------------===//
#include "compiler/training/GradClipping.h"

namespace voskhod::training {
using namespace ir;

const char *gradClipHparam(const GradClip &clip) {
  return clip.kind == GradClipKind::Norm ? "max_norm" : "clip_value";
}

static std::vector<Node *>
clipByValue(const std::vector<Node *> &grads,
            const std::function<UpdateMath &(DType)> &mathFor) {
  std::vector<Node *> out;
  for (Node *g : grads) {
    UpdateMath &m = mathFor(g->dtype());
    Node *limit = m.hparam("clip_value");
    Node *low = m.shared("clip.low", [&] { return m.neg(limit); });
    out.push_back(m.minimum(m.maximum(g, low), limit));
  }
  return out;
}

static std::vector<Node *>
clipByNorm(const GradClip &clip, const std::vector<Node *> &grads,
           UpdateMath &total,
           const std::function<UpdateMath &(DType)> &mathFor) {
  bool infinity = clip.normType != 2;
  // torch.linalg.vector_norm of each gradient, then of the stacked norms.
  Node *norm = nullptr;
  for (Node *g : grads) {
    UpdateMath &m = mathFor(g->dtype());
    Node *own = infinity ? m.maxAll(m.abs(g)) : m.sqrt(m.sumAll(m.square(g)));
    own = total.inDType(own);
    Node *term = infinity ? own : total.square(own);
    norm = !norm      ? term
           : infinity ? total.maximum(norm, term)
                      : total.add(norm, term);
  }
  if (!infinity)
    norm = total.sqrt(norm);
  Node *coef = total.div(total.hparam("max_norm"), total.add(norm, 1e-6));
  Node *clamped = total.minimum(coef, total.constant(1));
  std::vector<Node *> out;
  for (Node *g : grads) {
    UpdateMath &m = mathFor(g->dtype());
    out.push_back(m.mul(g, m.inDType(clamped)));
  }
  return out;
}

std::vector<Node *>
clipGradients(const GradClip &clip, const std::vector<Node *> &grads,
              UpdateMath &total,
              const std::function<UpdateMath &(DType)> &mathFor) {
  if (clip.kind == GradClipKind::Value)
    return clipByValue(grads, mathFor);
  return clipByNorm(clip, grads, total, mathFor);
}

} // namespace voskhod::training
