//===- compiler/codegen/llvm/LoopHints.cpp - which pass gets a loop -------===//
#include "compiler/codegen/llvm/LoopHints.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/Metadata.h"

namespace voskhod::codegen {

void hintVectorLoop(llvm::BranchInst *latch, int64_t tripCount,
                    unsigned lanes) {
  if (tripCount < int64_t(lanes) || lanes < 2 || tripCount % lanes != 0)
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
