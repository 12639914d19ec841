//===- compiler/codegen/cuda/CudaBackend.cpp - lower, render, compile, run ===//
#include "compiler/codegen/cuda/CudaBackend.h"

#include "compiler/codegen/cuda/CudaRenderer.h"
#include "compiler/codegen/cuda/NvrtcCompiler.h"
#include "compiler/codegen/tensors/RuntimeTensors.h"
#include "runtime/cuda/DeviceProgram.h"

namespace voskhod::cuda {
using kernel::ModelProgram;

Expected<CudaModule> renderCudaModule(const ModelProgram &model) {
  if (!model.step && !model.forward)
    return makeError("nothing to compile: the model has no entry");
  CudaModule m;
  m.source = cudaPreamble();
  m.tensors = codegen::runtimeTensors(model);
  if (model.step) {
    RenderedProgram r = renderCudaProgram(model.step->program, kCudaStepPrefix);
    m.source += "\n" + r.source;
    m.step = std::move(r.plan);
    m.stepTable = model.step->table;
  }
  if (model.forward) {
    RenderedProgram r =
        renderCudaProgram(model.forward->program, kCudaForwardPrefix);
    m.source += "\n" + r.source;
    m.forward = std::move(r.plan);
    m.forwardTable = model.forward->table;
  }
  return m;
}

struct CudaExecutable::Impl {
  std::unique_ptr<rt::cuda::DeviceProgram> program;
  int stepLaunches = 0, forwardLaunches = 0;
  int stepEntry = -1, forwardEntry = -1;
  std::vector<int> stepTable, forwardTable;
};

CudaExecutable::CudaExecutable(std::vector<rt::TensorInfo> tensors,
                               bool hasStep, bool hasForward)
    : Executable(std::move(tensors), hasStep, hasForward),
      impl_(std::make_unique<Impl>()) {}

CudaExecutable::~CudaExecutable() = default;

std::string CudaExecutable::deviceName() const {
  return impl_->program->device().name;
}

int CudaExecutable::launchCount(bool step) const {
  return step ? impl_->stepLaunches : impl_->forwardLaunches;
}

void CudaExecutable::setUseGraph(bool useGraph) {
  impl_->program->setUseGraph(useGraph);
}

Status CudaExecutable::syncToDevice() {
  std::vector<void *> host;
  for (size_t i = 0; i < tensors().size(); ++i) {
    rt::TensorRole r = tensors()[i].role;
    if (r != rt::TensorRole::Param && r != rt::TensorRole::State)
      continue;
    pointers({int(i)}, host);
    VOSKHOD_RETURN_IF_ERROR(impl_->program->upload(int(i), host[0]));
  }
  deviceCurrent_ = true;
  return Status::ok();
}

Status CudaExecutable::hostTensorChanged(int index) {
  // Without a device copy yet, the next run uploads every state anyway.
  if (!deviceCurrent_)
    return Status::ok();
  std::vector<void *> host;
  pointers({index}, host);
  return impl_->program->upload(index, host[0]);
}

Status CudaExecutable::syncToHost() {
  if (!deviceCurrent_)
    return Status::ok();
  std::vector<void *> host;
  for (size_t i = 0; i < tensors().size(); ++i) {
    rt::TensorRole r = tensors()[i].role;
    if (r != rt::TensorRole::Param && r != rt::TensorRole::State)
      continue;
    pointers({int(i)}, host);
    VOSKHOD_RETURN_IF_ERROR(impl_->program->download(int(i), host[0]));
  }
  return Status::ok();
}

Status CudaExecutable::run(bool isStep) {
  int entry = isStep ? impl_->stepEntry : impl_->forwardEntry;
  if (entry < 0)
    return makeError(std::string("this executable has no ") +
                     (isStep ? "training step" : "forward graph"));
  const std::vector<int> &table =
      isStep ? impl_->stepTable : impl_->forwardTable;
  if (sync_ == HostSync::All || !deviceCurrent_)
    VOSKHOD_RETURN_IF_ERROR(syncToDevice());
  std::vector<void *> host;
  for (int t : table) {
    if (tensors()[t].role != rt::TensorRole::Input)
      continue;
    pointers({t}, host);
    VOSKHOD_RETURN_IF_ERROR(impl_->program->upload(t, host[0]));
  }
  VOSKHOD_RETURN_IF_ERROR(impl_->program->run(entry));
  VOSKHOD_RETURN_IF_ERROR(impl_->program->synchronize());
  for (int t : table) {
    const rt::TensorInfo &info = tensors()[t];
    if (info.role != rt::TensorRole::Output ||
        !(isStep ? info.stepOutput : info.forwardOutput))
      continue;
    pointers({t}, host);
    VOSKHOD_RETURN_IF_ERROR(impl_->program->download(t, host[0]));
  }
  if (isStep && sync_ == HostSync::All)
    return syncToHost();
  return Status::ok();
}

Status CudaExecutable::step() { return run(true); }
Status CudaExecutable::forward() { return run(false); }

Status CudaExecutable::runDeviceOnly(bool isStep, int count) {
  int entry = isStep ? impl_->stepEntry : impl_->forwardEntry;
  if (entry < 0)
    return makeError("this executable has no such entry");
  if (!deviceCurrent_)
    VOSKHOD_RETURN_IF_ERROR(syncToDevice());
  for (int i = 0; i < count; ++i)
    VOSKHOD_RETURN_IF_ERROR(impl_->program->run(entry));
  return impl_->program->synchronize();
}

Expected<std::unique_ptr<rt::Executable>>
compileForCuda(const ModelProgram &model, const CudaOptions &options) {
  auto devices = rt::cuda::listDevices();
  VOSKHOD_RETURN_IF_ERROR(devices);
  if (options.device < 0 || options.device >= int(devices->size()))
    return makeError(devices->empty()
                         ? std::string("the CUDA driver found no GPU")
                         : "no CUDA device " + std::to_string(options.device));
  auto module = renderCudaModule(model);
  VOSKHOD_RETURN_IF_ERROR(module);
  NvrtcOptions nv;
  nv.arch = options.arch.empty() ? (*devices)[size_t(options.device)].arch()
                                 : options.arch;
  nv.useCache = options.useCache;
  auto compiled = compileCuda(module->source, "voskhod.cu", nv);
  VOSKHOD_RETURN_IF_ERROR(compiled);
  std::vector<int64_t> bytes;
  for (const rt::TensorInfo &t : module->tensors)
    bytes.push_back(t.bytes());
  std::vector<rt::cuda::DeviceEntry> entries;
  auto impl = std::make_unique<CudaExecutable::Impl>();
  if (module->step) {
    impl->stepEntry = int(entries.size());
    impl->stepTable = module->stepTable;
    impl->stepLaunches = int(module->step->launches.size());
    entries.push_back({*module->step, module->stepTable});
  }
  if (module->forward) {
    impl->forwardEntry = int(entries.size());
    impl->forwardTable = module->forwardTable;
    impl->forwardLaunches = int(module->forward->launches.size());
    entries.push_back({*module->forward, module->forwardTable});
  }
  auto program = rt::cuda::DeviceProgram::load(
      compiled->cubin.empty() ? compiled->ptx : compiled->cubin, bytes,
      std::move(entries), options.device);
  VOSKHOD_RETURN_IF_ERROR(program);
  impl->program = program.take();
  impl->program->setUseGraph(options.useGraph);
  std::unique_ptr<CudaExecutable> exe(new CudaExecutable(
      std::move(module->tensors), bool(module->step), bool(module->forward)));
  exe->impl_ = std::move(impl);
  exe->sync_ = options.sync;
  return std::unique_ptr<rt::Executable>(std::move(exe));
}

Expected<CudaEmitKind> parseCudaEmitKind(const std::string &emit) {
  if (emit == "cuda")
    return CudaEmitKind::Source;
  if (emit == "ptx")
    return CudaEmitKind::Ptx;
  if (emit == "cubin")
    return CudaEmitKind::Cubin;
  if (emit == "obj" || emit == "header")
    return makeError("--emit=" + emit +
                     " is not text: the object and header of --target=cuda "
                     "come from compileCudaImage and the LLVM backend");
  return makeError("--target=cuda emits cuda, ptx, cubin or kernels, not '" +
                   emit + "'");
}

Expected<std::string> emitCudaText(const ModelProgram &model, CudaEmitKind kind,
                                   const CudaOptions &options) {
  auto module = renderCudaModule(model);
  VOSKHOD_RETURN_IF_ERROR(module);
  if (kind == CudaEmitKind::Source)
    return module->source;
  NvrtcOptions nv;
  nv.arch = options.arch.empty() ? "sm_90" : options.arch;
  nv.useCache = options.useCache;
  nv.emitCubin = kind == CudaEmitKind::Cubin;
  auto compiled = compileCuda(module->source, "voskhod.cu", nv);
  VOSKHOD_RETURN_IF_ERROR(compiled);
  return kind == CudaEmitKind::Cubin ? compiled->cubin : compiled->ptx;
}

Expected<rt::cuda::ProgramImage> compileCudaImage(const ModelProgram &model,
                                                  const CudaOptions &options) {
  auto module = renderCudaModule(model);
  VOSKHOD_RETURN_IF_ERROR(module);
  NvrtcOptions nv;
  nv.arch = options.arch.empty() ? "sm_90" : options.arch;
  nv.useCache = options.useCache;
  nv.emitCubin = true;
  auto compiled = compileCuda(module->source, "voskhod.cu", nv);
  VOSKHOD_RETURN_IF_ERROR(compiled);
  if (compiled->cubin.empty())
    return makeError("nvrtc produced no cubin for " + nv.arch);
  rt::cuda::ProgramImage image;
  image.arch = nv.arch;
  image.cubin = std::move(compiled->cubin);
  image.ptx = std::move(compiled->ptx);
  image.step = std::move(module->step);
  image.forward = std::move(module->forward);
  for (int t : module->stepTable)
    image.stepTensors.push_back(module->tensors[size_t(t)].name);
  for (int t : module->forwardTable)
    image.forwardTensors.push_back(module->tensors[size_t(t)].name);
  return image;
}

} // namespace voskhod::cuda
