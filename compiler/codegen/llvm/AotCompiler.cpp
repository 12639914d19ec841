//===- compiler/codegen/llvm/AotCompiler.cpp - lower, render, link, emit --===//
#include "compiler/codegen/llvm/AotCompiler.h"

#include "compiler/codegen/llvm/AotRuntime.h"
#include "compiler/codegen/llvm/HostTarget.h"
#include "compiler/codegen/llvm/KernelRenderer.h"
#include "compiler/codegen/tensors/RuntimeTensors.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Pass.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/IPO.h"
#include "llvm/Transforms/IPO/Internalize.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace voskhod::cpu {
using kernel::ModelProgram;

int64_t AotTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t AotTensor::bytes() const {
  return numElements() * rt::elementBytes(type);
}

const std::vector<std::string> &aotCpuNames() {
  static const std::vector<std::string> names = {"native", "x86-64-v3",
                                                 "x86-64-v4", "generic"};
  return names;
}

namespace {

std::string errorText(llvm::Error err) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << err;
  return os.str();
}

/// Letters, digits and `_`, not starting with a digit.
std::string cIdentifier(const std::string &name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "_" + out;
  return out;
}

bool isCIdentifier(const std::string &name) {
  return !name.empty() && cIdentifier(name) == name;
}

/// The API of `model`: the table the JIT's Executable lists, so checkpoints
/// agree, with C names, and each entry's arguments.
Expected<AotInterface> describe(const ModelProgram &model,
                                const AotOptions &options) {
  if (!model.step && !model.forward)
    return makeError("nothing to compile: the model has no entry");
  if (std::find(aotCpuNames().begin(), aotCpuNames().end(), options.cpu) ==
      aotCpuNames().end())
    return makeError("unknown CPU '" + options.cpu +
                     "': expected native, x86-64-v3, x86-64-v4 or generic");
  AotInterface api;
  api.cpu = options.cpu;
  api.gpuArch = options.gpuArch;
  api.graphName = model.name;
  if (!options.name.empty()) {
    if (!isCIdentifier(options.name))
      return makeError("--name '" + options.name +
                       "' is not a C identifier (letters, digits and '_', "
                       "not starting with a digit)");
    api.prefix = options.name;
  } else {
    api.prefix = cIdentifier(api.graphName.empty() ? "model" : api.graphName);
  }
  api.arenaBytes = model.arenaBytes;
  if (model.step)
    api.stepTable = model.step->table;
  if (model.forward)
    api.forwardTable = model.forward->table;
  api.lossIndex = model.lossIndex;
  for (const kernel::ModelTensor &tensor : model.tensors) {
    rt::TensorInfo info = codegen::tensorInfoOf(tensor);
    AotTensor &t = api.tensors.emplace_back();
    t.name = info.name;
    t.type = info.type;
    t.shape = info.shape;
    t.role = info.role;
    t.init = info.init;
  }
  for (size_t k = 0; k < api.stepTable.size(); ++k) {
    int i = api.stepTable[k];
    if (api.tensors[i].role == rt::TensorRole::Input && model.step->reads[k])
      api.stepInputs.push_back(i);
  }
  if (model.step && api.lossIndex < 0)
    return makeError("the training step has no loss output");
  if (api.lossIndex >= 0 && api.tensors[api.lossIndex].numElements() != 1)
    return makeError("the training step's loss '" +
                     api.tensors[api.lossIndex].name + "' is not a scalar");
  for (size_t k = 0; k < api.forwardTable.size(); ++k) {
    int i = api.forwardTable[k];
    if (api.tensors[i].role == rt::TensorRole::Input && model.forward->reads[k])
      api.forwardInputs.push_back(i);
    if (api.tensors[i].role == rt::TensorRole::Output)
      api.forwardOutputs.push_back(i);
  }
  std::set<std::string> taken;
  for (size_t i = 0; i < api.tensors.size(); ++i) {
    AotTensor &t = api.tensors[i];
    if (t.role == rt::TensorRole::Param)
      api.params.push_back(int(i));
    if (t.role == rt::TensorRole::State)
      api.states.push_back(int(i));
    // Unique also in upper case, as the header's macros spell it.
    std::string base = cIdentifier(t.name), name = base;
    auto upper = [](std::string s) {
      for (char &c : s)
        c = char(std::toupper(static_cast<unsigned char>(c)));
      return s;
    };
    for (int k = 2; taken.count(upper(name)); ++k)
      name = base + "_" + std::to_string(k);
    taken.insert(upper(name));
    t.cName = name;
  }
  return api;
}

/// The target machine `--cpu` asks for, on the host's architecture.
Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const std::string &cpu, unsigned optLevel) {
  if (cpu == "native") {
    auto tm = codegen::createHostTargetMachine(optLevel);
    if (!tm)
      return makeError("cannot target the host: " + errorText(tm.takeError()));
    return std::move(*tm);
  }
  codegen::initializeNativeTarget();
  std::string triple = llvm::sys::getProcessTriple();
  bool x86 = llvm::StringRef(triple).startswith("x86_64");
  if (!x86 && cpu != "generic")
    return makeError("--cpu=" + cpu + " needs an x86-64 host; this one is " +
                     triple);
  std::string name = cpu == "generic" ? (x86 ? "x86-64" : "generic") : cpu;
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("cannot target " + triple + ": " + error);
  auto level = optLevel >= 3   ? llvm::CodeGenOpt::Aggressive
               : optLevel == 0 ? llvm::CodeGenOpt::None
                               : llvm::CodeGenOpt::Default;
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, name, "", llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return makeError("cannot create a target machine for " + name);
  return tm;
}

unsigned vectorBitsFor(const std::string &cpu) {
  if (cpu == "x86-64-v4")
    return 512;
  if (cpu == "x86-64-v3")
    return 256;
  if (cpu == "generic")
    return 128;
  return codegen::hostVectorBits();
}

/// Builds the descriptor and the `NAME_` functions into a module that
/// already holds the entries and the runtime. A CPU object's functions
/// forward to runtime/aot's `vkaot_` API; a GPU object's (given `image`)
/// to runtime/aot/cuda's `vkcuda_` API, with the cubin and launch tables
/// in a second descriptor that `NAME_create` passes along.
class ApiEmitter {
public:
  ApiEmitter(llvm::Module &m, const AotInterface &api,
             const rt::cuda::ProgramImage *image = nullptr)
      : m_(m), ctx_(m.getContext()), api_(api), image_(image),
        rt_(image ? "vkcuda_" : "vkaot_"), b_(ctx_) {
    ptr_ = llvm::PointerType::getUnqual(ctx_);
    i32_ = llvm::Type::getInt32Ty(ctx_);
    i64_ = llvm::Type::getInt64Ty(ctx_);
    f64_ = llvm::Type::getDoubleTy(ctx_);
    void_ = llvm::Type::getVoidTy(ctx_);
    infoTy_ = llvm::StructType::get(ctx_, {ptr_, ptr_, i64_, i32_, i32_});
    tensorTy_ =
        llvm::StructType::get(ctx_, {infoTy_, f64_, f64_, i64_, i32_, i32_});
    modelTy_ = llvm::StructType::get(
        ctx_, {ptr_, ptr_, ptr_, ptr_, ptr_, ptr_, ptr_, ptr_, ptr_, i64_, i32_,
               i32_, i32_, i32_, i32_, i32_, i32_, i32_});
    launchTy_ =
        llvm::StructType::get(ctx_, {ptr_, ptr_, i32_, i32_, i32_, i32_});
    programTy_ = llvm::StructType::get(
        ctx_, {ptr_, ptr_, ptr_, ptr_, ptr_, ptr_, i64_, i64_, i32_, i32_});
  }

  Status emit() {
    const llvm::DataLayout &dl = m_.getDataLayout();
    // runtime/aot/AotAbi.h fixes these sizes; a mismatch would corrupt
    // every handle.
    if (dl.getTypeAllocSize(infoTy_) != 32 ||
        dl.getTypeAllocSize(tensorTy_) != 64 ||
        dl.getTypeAllocSize(modelTy_) != 112 ||
        dl.getTypeAllocSize(launchTy_) != 32 ||
        dl.getTypeAllocSize(programTy_) != 72)
      return makeError("internal: the AOT descriptor layout does not match "
                       "runtime/aot/AotAbi.h (or cuda/CudaAbi.h) on this "
                       "target");
    std::vector<std::string> needed = {
        "create",      "destroy",    "reset",   "train_step",
        "forward",     "save",       "load",    "threads",
        "set_threads", "param",      "info_at", "last_error",
        "last_status", "set_hparam", "hparam",  "step_updated"};
    for (const std::string &name : needed)
      if (!m_.getFunction(rt_ + name))
        return makeError("internal: the AOT runtime lacks " + rt_ + name);
    emitDescriptor();
    createArgs_ = {model_};
    if (image_) {
      VOSKHOD_RETURN_IF_ERROR(emitProgram());
      createArgs_ = {program_};
    }
    emitFunctions();
    return Status::ok();
  }

  const std::set<std::string> &exported() const { return exported_; }

private:
  llvm::Constant *string(const std::string &s) {
    return b_.CreateGlobalStringPtr(s, "vkaot.str", 0, &m_);
  }

  llvm::GlobalVariable *constant(llvm::Constant *init, const char *name) {
    return new llvm::GlobalVariable(m_, init->getType(), true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    name);
  }

  llvm::Constant *i32(int64_t v) { return llvm::ConstantInt::get(i32_, v); }
  llvm::Constant *i64(int64_t v) { return llvm::ConstantInt::get(i64_, v); }

  llvm::Constant *intArray(const std::vector<int> &values, const char *name) {
    if (values.empty())
      return llvm::ConstantPointerNull::get(ptr_);
    std::vector<llvm::Constant *> items;
    for (int v : values)
      items.push_back(i32(v));
    return constant(llvm::ConstantArray::get(
                        llvm::ArrayType::get(i32_, items.size()), items),
                    name);
  }

  /// An array of pointers to the descriptors at `positions`.
  llvm::Constant *tensorList(const std::vector<int> &positions,
                             const char *name) {
    if (positions.empty())
      return llvm::ConstantPointerNull::get(ptr_);
    std::vector<llvm::Constant *> items;
    for (int i : positions)
      items.push_back(llvm::ConstantExpr::getInBoundsGetElementPtr(
          tensorsArrayTy_, tensors_,
          llvm::ArrayRef<llvm::Constant *>{i64(0), i64(i)}));
    return constant(llvm::ConstantArray::get(
                        llvm::ArrayType::get(ptr_, items.size()), items),
                    name);
  }

  void emitDescriptor() {
    std::vector<llvm::Constant *> tensors;
    for (const AotTensor &t : api_.tensors) {
      llvm::Constant *shape = llvm::ConstantPointerNull::get(ptr_);
      if (!t.shape.empty()) {
        std::vector<llvm::Constant *> dims;
        for (int64_t d : t.shape)
          dims.push_back(i64(d));
        shape = constant(llvm::ConstantArray::get(
                             llvm::ArrayType::get(i64_, dims.size()), dims),
                         "vkaot.shape");
      }
      llvm::Constant *info = llvm::ConstantStruct::get(
          infoTy_, {string(t.name), shape, i64(t.numElements()),
                    i32(int64_t(t.shape.size())), i32(int64_t(t.type))});
      tensors.push_back(llvm::ConstantStruct::get(
          tensorTy_, {info, llvm::ConstantFP::get(f64_, t.init.a),
                      llvm::ConstantFP::get(f64_, t.init.b), i64(t.bytes()),
                      i32(int64_t(t.role)), i32(int64_t(t.init.kind))}));
    }
    tensorsArrayTy_ = llvm::ArrayType::get(tensorTy_, tensors.size());
    tensors_ = constant(llvm::ConstantArray::get(tensorsArrayTy_, tensors),
                        "vkaot.tensors");
    auto entry = [&](const char *name) -> llvm::Constant * {
      llvm::Function *f = m_.getFunction(name);
      return f ? static_cast<llvm::Constant *>(f)
               : llvm::ConstantPointerNull::get(ptr_);
    };
    llvm::Constant *model = llvm::ConstantStruct::get(
        modelTy_, {string(api_.prefix), tensors_,
                   api_.hasStep() ? entry(kStepEntry)
                                  : llvm::ConstantPointerNull::get(ptr_),
                   intArray(api_.stepTable, "vkaot.step_table"),
                   api_.hasForward() ? entry(kForwardEntry)
                                     : llvm::ConstantPointerNull::get(ptr_),
                   intArray(api_.forwardTable, "vkaot.forward_table"),
                   intArray(api_.stepInputs, "vkaot.step_inputs"),
                   intArray(api_.forwardInputs, "vkaot.forward_inputs"),
                   intArray(api_.forwardOutputs, "vkaot.forward_outputs"),
                   i64(api_.arenaBytes), i32(int64_t(api_.tensors.size())),
                   i32(int64_t(api_.stepTable.size())),
                   i32(int64_t(api_.forwardTable.size())), i32(api_.lossIndex),
                   i32(int64_t(api_.stepInputs.size())),
                   i32(int64_t(api_.forwardInputs.size())),
                   i32(int64_t(api_.forwardOutputs.size())), i32(0)});
    model_ = constant(model, "vkaot.model");
  }

  /// One entry's launches as vkcuda_launch records (runtime/aot/cuda/
  /// CudaAbi.h): an argument is the external's position in the entry's
  /// table, or -1 - its offset in the arena.
  llvm::Constant *launchTable(const rt::cuda::EntryPlan &plan) {
    std::vector<llvm::Constant *> launches;
    for (const rt::cuda::KernelLaunch &l : plan.launches) {
      std::vector<llvm::Constant *> args;
      for (const rt::cuda::LaunchArg &a : l.args)
        args.push_back(i64(a.external >= 0 ? a.external : -1 - a.arenaOffset));
      llvm::Constant *argArray =
          args.empty()
              ? static_cast<llvm::Constant *>(
                    llvm::ConstantPointerNull::get(ptr_))
              : constant(llvm::ConstantArray::get(
                             llvm::ArrayType::get(i64_, args.size()), args),
                         "vkcuda.args");
      launches.push_back(llvm::ConstantStruct::get(
          launchTy_, {string(l.function), argArray, i32(l.grid), i32(l.block),
                      i32(l.sharedBytes), i32(int64_t(l.args.size()))}));
    }
    if (launches.empty())
      return llvm::ConstantPointerNull::get(ptr_);
    return constant(
        llvm::ConstantArray::get(
            llvm::ArrayType::get(launchTy_, launches.size()), launches),
        "vkcuda.launches");
  }

  /// The cubin (a named local symbol in a section of its own, so tools
  /// can find it), the PTX the driver falls back on for newer GPUs, and
  /// the vkcuda_program descriptor around the model's.
  Status emitProgram() {
    const rt::cuda::ProgramImage &image = *image_;
    if (image.cubin.empty())
      return makeError("internal: the GPU object has no cubin");
    auto *cubin = new llvm::GlobalVariable(
        m_, llvm::ArrayType::get(b_.getInt8Ty(), image.cubin.size()), true,
        llvm::GlobalValue::InternalLinkage,
        llvm::ConstantDataArray::getRaw(image.cubin, image.cubin.size(),
                                        b_.getInt8Ty()),
        "vkcuda_cubin");
    cubin->setSection(".voskhod.cubin");
    cubin->setAlignment(llvm::Align(64));
    llvm::Constant *ptx = llvm::ConstantPointerNull::get(ptr_);
    if (!image.ptx.empty()) {
      // NUL-terminated, as cuModuleLoadData reads PTX.
      llvm::Constant *text = llvm::ConstantDataArray::getString(
          ctx_, llvm::StringRef(image.ptx.data(),
                                strnlen(image.ptx.data(), image.ptx.size())));
      ptx = new llvm::GlobalVariable(m_, text->getType(), true,
                                     llvm::GlobalValue::InternalLinkage, text,
                                     "vkcuda_ptx");
    }
    int64_t arena = 0;
    for (const auto *plan : {&image.step, &image.forward})
      if (*plan)
        arena = std::max(arena, (*plan)->arenaBytes);
    auto launches = [&](const std::optional<rt::cuda::EntryPlan> &plan) {
      return plan ? launchTable(*plan) : llvm::ConstantPointerNull::get(ptr_);
    };
    auto count = [&](const std::optional<rt::cuda::EntryPlan> &plan) {
      return i32(plan ? int64_t(plan->launches.size()) : 0);
    };
    program_ =
        constant(llvm::ConstantStruct::get(
                     programTy_, {model_, cubin, ptx, string(image.arch),
                                  launches(image.step), launches(image.forward),
                                  i64(int64_t(image.cubin.size())), i64(arena),
                                  count(image.step), count(image.forward)}),
                 "vkcuda.program");
    return Status::ok();
  }

  llvm::Function *define(const std::string &suffix, llvm::Type *result,
                         std::vector<llvm::Type *> params) {
    std::string name = api_.prefix + "_" + suffix;
    auto *f =
        llvm::Function::Create(llvm::FunctionType::get(result, params, false),
                               llvm::GlobalValue::ExternalLinkage, name, m_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    exported_.insert(name);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", f));
    return f;
  }

  /// Calls the runtime's `<rt>callee`.
  llvm::Value *call(const std::string &callee,
                    std::vector<llvm::Value *> args) {
    return b_.CreateCall(m_.getFunction(rt_ + callee), args);
  }

  void ret(llvm::Value *v) {
    if (v->getType()->isVoidTy())
      b_.CreateRetVoid();
    else
      b_.CreateRet(v);
  }

  /// `NAME_suffix(args...)` returning `callee(prefixArgs..., args...)`.
  void forwardTo(const std::string &suffix, llvm::Type *result,
                 std::vector<llvm::Type *> params, const std::string &callee,
                 std::vector<llvm::Value *> prefixArgs = {}) {
    llvm::Function *f = define(suffix, result, params);
    for (llvm::Argument &a : f->args())
      prefixArgs.push_back(&a);
    ret(call(callee, prefixArgs));
  }

  /// Stores `count` arguments of `f` from `first` on into a stack array.
  llvm::Value *argumentArray(llvm::Function *f, unsigned first,
                             unsigned count) {
    llvm::Value *array = b_.CreateAlloca(
        llvm::ArrayType::get(ptr_, std::max(1u, count)), nullptr, "args");
    for (unsigned k = 0; k < count; ++k)
      b_.CreateStore(
          f->getArg(first + k),
          b_.CreateConstInBoundsGEP2_64(
              llvm::ArrayType::get(ptr_, std::max(1u, count)), array, 0, k));
    return array;
  }

  /// `NAME_<what>_count()` and `NAME_<what>_info(index)` over `list`.
  void infoFunctions(const std::string &what, const std::vector<int> &list) {
    llvm::Constant *table = tensorList(list, "vkaot.list");
    define(what + "_count", i32_, {});
    b_.CreateRet(i32(int64_t(list.size())));
    forwardTo(what + "_info", ptr_, {i32_}, "info_at",
              {table, i32(int64_t(list.size()))});
  }

  void emitFunctions() {
    std::vector<llvm::Value *> createArgs(createArgs_.begin(),
                                          createArgs_.end());
    forwardTo("create", ptr_, {i64_}, "create", createArgs);
    forwardTo("destroy", void_, {ptr_}, "destroy");
    forwardTo("reset", void_, {ptr_, i64_}, "reset");
    if (api_.hasStep()) {
      unsigned n = unsigned(api_.stepInputs.size());
      std::vector<llvm::Type *> params(n + 1, ptr_);
      llvm::Function *f = define("train_step", f64_, params);
      llvm::Value *inputs = argumentArray(f, 1, n);
      b_.CreateRet(call("train_step", {f->getArg(0), inputs}));
      forwardTo("train_step_v", f64_, {ptr_, ptr_}, "train_step");
    }
    if (api_.hasForward()) {
      unsigned n = unsigned(api_.forwardInputs.size());
      unsigned k = unsigned(api_.forwardOutputs.size());
      std::vector<llvm::Type *> params(n + k + 1, ptr_);
      llvm::Function *f = define("forward", i32_, params);
      llvm::Value *inputs = argumentArray(f, 1, n);
      llvm::Value *outputs = argumentArray(f, 1 + n, k);
      b_.CreateRet(call("forward", {f->getArg(0), inputs, outputs}));
      forwardTo("forward_v", i32_, {ptr_, ptr_, ptr_}, "forward");
    }
    forwardTo("save", i32_, {ptr_, ptr_}, "save");
    forwardTo("load", i32_, {ptr_, ptr_}, "load");
    forwardTo("last_error", ptr_, {ptr_}, "last_error");
    forwardTo("last_status", i32_, {ptr_}, "last_status");
    forwardTo("threads", i32_, {ptr_}, "threads");
    forwardTo("set_threads", i32_, {ptr_, i32_}, "set_threads");
    forwardTo("param", ptr_, {ptr_, ptr_, ptr_}, "param");
    forwardTo("set_hparam", i32_, {ptr_, ptr_, f64_}, "set_hparam");
    forwardTo("hparam", i32_, {ptr_, ptr_, ptr_}, "hparam");
    forwardTo("step_updated", i32_, {ptr_, ptr_}, "step_updated");
    infoFunctions("param", api_.params);
    infoFunctions("input", api_.stepInputs);
    infoFunctions("forward_input", api_.forwardInputs);
    infoFunctions("output", api_.forwardOutputs);
  }

  llvm::Module &m_;
  llvm::LLVMContext &ctx_;
  const AotInterface &api_;
  const rt::cuda::ProgramImage *image_;
  std::string rt_; // the runtime API's prefix
  llvm::IRBuilder<> b_;
  llvm::PointerType *ptr_;
  llvm::Type *i32_, *i64_, *f64_, *void_;
  llvm::StructType *infoTy_, *tensorTy_, *modelTy_, *launchTy_, *programTy_;
  llvm::ArrayType *tensorsArrayTy_ = nullptr;
  llvm::Constant *tensors_ = nullptr, *model_ = nullptr, *program_ = nullptr;
  std::vector<llvm::Constant *> createArgs_;
  std::set<std::string> exported_;
};

/// Whether a module of the embedded runtime belongs in a CPU object (all
/// of runtime/aot) or a GPU one (initialisers, checkpoints and
/// runtime/aot/cuda, but not the handle and thread pool of the CPU).
bool runtimeModuleFor(llvm::StringRef name, bool gpu) {
  if (name.startswith("cuda/"))
    return gpu;
  return !gpu || name == "Random" || name == "Safetensors" || name == "Json" ||
         name == "Arguments";
}

Status linkRuntime(llvm::Module &module, bool gpu) {
  auto modules = aotRuntimeBitcode();
  if (modules.empty())
    return makeError("this voskhod was built without the AOT runtime (no "
                     "clang was found to compile runtime/aot); rebuild with "
                     "clang installed to write object files");
  llvm::Linker linker(module);
  for (const AotBitcode &bc : modules) {
    if (!runtimeModuleFor(bc.name, gpu))
      continue;
    llvm::MemoryBufferRef buffer(
        llvm::StringRef(reinterpret_cast<const char *>(bc.data), bc.size),
        bc.name);
    auto parsed = llvm::parseBitcodeFile(buffer, module.getContext());
    if (!parsed)
      return makeError(std::string("internal: cannot read the AOT runtime's ") +
                       bc.name + ": " + errorText(parsed.takeError()));
    (*parsed)->setTargetTriple(module.getTargetTriple());
    (*parsed)->setDataLayout(module.getDataLayout());
    if (linker.linkInModule(std::move(*parsed)))
      return makeError(std::string("internal: cannot link the AOT runtime's ") +
                       bc.name);
  }
  // Generated code may call only what runtime/aot defines; anything else
  // would surface as an undefined symbol when the user links the object.
  for (const llvm::Function &f : module)
    if (f.isDeclaration() && f.getName().startswith("voskhod_"))
      return makeError("internal: generated code calls " + f.getName().str() +
                       ", which the AOT runtime (runtime/aot) does not define");
  return Status::ok();
}

/// Keeps only the `NAME_` API external, drops what is unused and writes
/// the object file.
Status writeObject(llvm::Module &module, const ApiEmitter &emitter,
                   llvm::TargetMachine &tm, const std::string &path) {
  llvm::internalizeModule(module, [&](const llvm::GlobalValue &gv) {
    return emitter.exported().count(gv.getName().str()) > 0;
  });
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(module, &os))
    return makeError("internal: the AOT module is invalid: " + os.str());

  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  llvm::legacy::PassManager pm;
  pm.add(llvm::createGlobalDCEPass());
  if (tm.addPassesToEmitFile(pm, out, nullptr, llvm::CGFT_ObjectFile))
    return makeError("the target cannot emit object files");
  pm.run(module);
  out.flush();
  if (out.has_error()) {
    out.clear_error();
    return makeError("cannot write '" + path + "'");
  }
  return Status::ok();
}

/// Checks that the image was compiled from the model `api` describes: the
/// same entries, each with the same external tensors in the same order.
Status checkImage(const AotInterface &api,
                  const rt::cuda::ProgramImage &image) {
  auto same = [&](const std::optional<rt::cuda::EntryPlan> &plan,
                  const std::vector<std::string> &names,
                  const std::vector<int> &table, const char *what) -> Status {
    if (bool(plan) != !table.empty() || names.size() != table.size() ||
        (plan && plan->numExternals != int(table.size())))
      return makeError(std::string("internal: the GPU image's ") + what +
                       " does not match the model");
    for (size_t k = 0; k < table.size(); ++k)
      if (api.tensors[table[k]].name != names[k])
        return makeError(std::string("internal: the GPU image's ") + what +
                         " takes '" + names[k] + "' where the model has '" +
                         api.tensors[table[k]].name + "'");
    return Status::ok();
  };
  VOSKHOD_RETURN_IF_ERROR(
      same(image.step, image.stepTensors, api.stepTable, "training step"));
  return same(image.forward, image.forwardTensors, api.forwardTable,
              "forward pass");
}

} // namespace

Expected<AotInterface> describeAot(const ModelProgram &model,
                                   const AotOptions &options) {
  return describe(model, options);
}

Status emitAotObject(const ModelProgram &model, const std::string &path,
                     const AotOptions &options, AotInterface *interface) {
  auto described = describe(model, options);
  VOSKHOD_RETURN_IF_ERROR(described);
  const AotInterface &api = *described;
  auto tm = createTargetMachine(options.cpu, options.optLevel);
  VOSKHOD_RETURN_IF_ERROR(tm);

  // Rendered and optimised exactly as CpuBackend does for the JIT, before
  // anything else joins the module.
  llvm::LLVMContext context;
  llvm::Module module(api.prefix, context);
  codegen::RenderOptions ro;
  ro.vectorBits = vectorBitsFor(options.cpu);
  ro.packedGemm = options.packedGemm;
  if (model.step)
    codegen::renderProgram(module, model.step->program, kStepEntry, ro);
  if (model.forward)
    codegen::renderProgram(module, model.forward->program, kForwardEntry, ro);
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(module, &os))
    return makeError("internal: the rendered module is invalid: " + os.str());
  codegen::optimizeModule(module, **tm, options.optLevel);

  VOSKHOD_RETURN_IF_ERROR(linkRuntime(module, false));
  ApiEmitter emitter(module, api);
  VOSKHOD_RETURN_IF_ERROR(emitter.emit());
  VOSKHOD_RETURN_IF_ERROR(writeObject(module, emitter, **tm, path));
  if (interface)
    *interface = api;
  return Status::ok();
}

Status emitAotCudaObject(const ModelProgram &model,
                         const rt::cuda::ProgramImage &image,
                         const std::string &path, const AotOptions &options,
                         AotInterface *interface) {
  AotOptions host = options;
  host.cpu = "generic";
  host.gpuArch = image.arch;
  auto described = describe(model, host);
  VOSKHOD_RETURN_IF_ERROR(described);
  const AotInterface &api = *described;
  VOSKHOD_RETURN_IF_ERROR(checkImage(api, image));
  auto tm = createTargetMachine(host.cpu, host.optLevel);
  VOSKHOD_RETURN_IF_ERROR(tm);
  llvm::LLVMContext context;
  llvm::Module module(api.prefix, context);
  module.setTargetTriple((*tm)->getTargetTriple().str());
  module.setDataLayout((*tm)->createDataLayout());
  VOSKHOD_RETURN_IF_ERROR(linkRuntime(module, true));
  ApiEmitter emitter(module, api, &image);
  VOSKHOD_RETURN_IF_ERROR(emitter.emit());
  VOSKHOD_RETURN_IF_ERROR(writeObject(module, emitter, **tm, path));
  if (interface)
    *interface = api;
  return Status::ok();
}

} // namespace voskhod::cpu
