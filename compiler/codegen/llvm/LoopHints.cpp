//===- compiler/codegen/llvm/LoopHints.cpp - which pass gets a loop -------===//
#include "compiler/codegen/llvm/LoopHints.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/Metadata.h"

namespace voskhod::codegen {

/// Loops of up to this many vectors are the ones a small module's full
/// unroll would flatten.
constexpr int64_t kMaxHintedVectors = 8;

void hintVectorLoop(llvm::BranchInst *latch, int64_t tripCount,
                    unsigned lanes) {
  // Longer loops are beyond the full unroller's size limit anyway, and
  // the hint would also keep the vectoriser from interleaving them.
  if (lanes < 2 || tripCount < int64_t(lanes) ||
      tripCount > kMaxHintedVectors * int64_t(lanes) || tripCount % lanes != 0)
    return;
  llvm::LLVMContext &ctx = latch->getContext();
  llvm::Metadata *noUnroll[] = {
      llvm::MDString::get(ctx, "llvm.loop.unroll.disable")};
  llvm::Metadata *parts[] = {nullptr, llvm::MDNode::get(ctx, noUnroll)};
  llvm::MDNode *loop = llvm::MDNode::getDistinct(ctx, parts);
  loop->replaceOperandWith(0, loop);
  latch->setMetadata(llvm::LLVMContext::MD_loop, loop);
}

} // namespace voskhod::codegen
