//===- compiler/driver/HparamFlags.cpp - flags that set hyperparameters ---===//
#include "compiler/driver/HparamFlags.h"

namespace voskhod::driver {
namespace {

const char *clauseName(ir::GradClipKind kind) {
  return kind == ir::GradClipKind::Norm ? "clip_grad_norm" : "clip_grad_value";
}

/// Whether the model clips as `flag` asks; reports why not otherwise.
bool declaresClipping(const ir::Minimize &minimize, ir::GradClipKind kind,
                      const std::string &flag, const std::string &setting,
                      ir::DiagnosticEngine &diags) {
  if (minimize.clip && minimize.clip->kind == kind)
    return true;
  std::string has = minimize.clip ? std::string("clips with '") +
                                        clauseName(minimize.clip->kind) + "'"
                                  : std::string("has no clipping clause");
  diags.error(
      minimize.loc,
      flag + " sets the " + setting + " of the model's '" + clauseName(kind) +
          "' clause, but its minimize " + has +
          ": declare it, e.g. 'minimize %loss using adam {lr = 0.001} " +
          clauseName(kind) + " {" + setting +
          " = 1.0}' (clipping is part of the compiled step's graph, "
          "so a flag can change its limit but not add it)");
  return false;
}

} // namespace

std::optional<std::vector<HparamFlag>>
hparamFlags(const TrainOptions &opts, const ir::Graph &forward,
            ir::DiagnosticEngine &diags) {
  std::vector<HparamFlag> flags;
  if (opts.lr > 0)
    flags.push_back({"--lr", "lr", opts.lr});
  const ir::Minimize &minimize = *forward.minimize();
  if (opts.clipGradNorm > 0) {
    if (!declaresClipping(minimize, ir::GradClipKind::Norm, "--clip-grad-norm",
                          "max_norm", diags))
      return std::nullopt;
    flags.push_back({"--clip-grad-norm", "max_norm", opts.clipGradNorm});
  }
  if (opts.clipGradValue > 0) {
    if (!declaresClipping(minimize, ir::GradClipKind::Value,
                          "--clip-grad-value", "clip_value", diags))
      return std::nullopt;
    flags.push_back({"--clip-grad-value", "clip_value", opts.clipGradValue});
  }
  return flags;
}

} // namespace voskhod::driver
