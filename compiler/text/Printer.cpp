//===- compiler/text/Printer.cpp - canonical `.vg` text for a graph -------===//
///
/// One line per node in graph order, never nested, so the text shows the IR
/// exactly as it is (every broadcast and every literal constant is its own
/// line). An attribute is printed unless it equals what the builder would
/// fill in without it; that is decided by asking shape inference, not by a
/// list of ops, so `perm` prints only when it is not the reversed axes and
/// `axis` only when it is not the last one. Numbers are the shortest text
/// that reads back as the same value (for f32 constants, the same float).
///
/// The printer does not check the graph: run ir::verify first if in doubt.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Printer.h"

#include "compiler/ir/ShapeInference.h"
#include "support/FlatHashSet.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace voskhod::ir {
namespace {

/// Shortest decimal that reads back (through strtod, and for f32 through a
/// float rounding, as buildConst does) as `v`.
std::string formatNumber(double v, DType dtype) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  // Integer payloads print as integers; one beyond int64 (the builder only
  // checks that it is whole) keeps the float spelling, which reads back.
  bool integral = dtype == DType::I32 || dtype == DType::I1;
  if (integral && std::fabs(v) < 9.2e18)
    return std::to_string(int64_t(v));
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    double back = std::strtod(buf, nullptr);
    if (dtype == DType::F32 ? double(float(back)) == v : back == v)
      break;
  }
  return buf;
}

class Printer {
public:
  Printer(const Graph &g, std::ostream &os) : g_(g), os_(os) { nameNodes(); }
  void print();

private:
  void nameNodes();
  const std::string &ref(const Node *n) const;
  void printLeaf(const Node *n);
  void printOp(const Node *n);
  bool isDefault(const Node *n, const AttrSpec &spec, const AttrValue &value);

  const Graph &g_;
  std::ostream &os_;
  std::vector<std::string> refs_; // by Node::index()
  // Scratch for isDefault, reused so that printing allocates little per node.
  std::vector<TensorType> operandTypes_;
  TensorType inferred_;
  Attrs without_;
};

/// Named nodes keep their names; the others are numbered in graph order,
/// skipping numbers the user already took.
void Printer::nameNodes() {
  // Lookups only, never iterated: the numbering follows graph order.
  FlatHashSet<std::string_view> used;
  for (const Node *n : g_)
    if (!n->name().empty())
      used.insert(n->name());
  refs_.reserve(g_.size());
  uint64_t next = 0;
  for (const Node *n : g_) {
    if (!n->name().empty()) {
      refs_.push_back("%" + n->name());
      continue;
    }
    std::string number = std::to_string(next++);
    while (used.contains(number))
      number = std::to_string(next++);
    refs_.push_back("%" + number);
  }
}

const std::string &Printer::ref(const Node *n) const {
  static const std::string kMissing = "%<not-in-graph>";
  bool inGraph = n && n->index() >= 0 && size_t(n->index()) < g_.size() &&
                 g_.node(size_t(n->index())) == n;
  return inGraph ? refs_[size_t(n->index())] : kMissing;
}

void Printer::print() {
  os_ << "graph @" << g_.name() << " {\n";
  for (const Node *n : g_) {
    os_ << "  " << ref(n) << " = " << opName(n->op());
    if (n->hasTrait(OpTrait::Leaf))
      printLeaf(n);
    else
      printOp(n);
    os_ << "\n";
  }
  if (const auto &m = g_.minimize()) {
    os_ << "  minimize " << ref(m->loss) << " using "
        << optimizerName(m->optimizer);
    Attrs defaults = defaultOptimizerAttrs(m->optimizer);
    std::string sep = " {";
    for (const OptimizerAttrSpec &spec : optimizerAttrSpecs(m->optimizer)) {
      const AttrValue *value = m->settings.find(spec.name);
      const AttrValue *d = defaults.find(spec.name);
      if (!value || (d && *d == *value))
        continue;
      os_ << sep << spec.name << " = " << attrValueStr(*value);
      sep = ", ";
    }
    if (sep != " {")
      os_ << "}";
    if (const auto &sched = m->schedule)
      os_ << " schedule " << lrScheduleText(*sched);
    if (const auto &c = m->clip) {
      if (c->kind == GradClipKind::Norm) {
        os_ << " clip_grad_norm {max_norm = " << attrValueStr(c->limit);
        if (c->normType != 2)
          os_ << ", norm_type = " << attrValueStr(c->normType);
      } else {
        os_ << " clip_grad_value {clip_value = " << attrValueStr(c->limit);
      }
      os_ << "}";
    }
    if (m->accumulate != 1)
      os_ << " accumulate = " << m->accumulate;
    os_ << "\n";
  }
  for (const Update &u : g_.updates())
    os_ << "  update " << ref(u.target) << " = " << ref(u.value) << "\n";
  if (!g_.results().empty()) {
    os_ << "  return ";
    for (size_t i = 0; i < g_.results().size(); ++i)
      os_ << (i ? ", " : "") << ref(g_.results()[i]);
    os_ << "\n";
  }
  os_ << "}\n";
}

void Printer::printLeaf(const Node *n) {
  os_ << " " << n->type().str();
  if (n->is(OpKind::Const)) {
    os_ << " [";
    const std::vector<double> &values = n->constValues();
    for (size_t i = 0; i < values.size(); ++i)
      os_ << (i ? ", " : "") << formatNumber(values[i], n->dtype());
    os_ << "]";
  } else if (n->hasTrait(OpTrait::Stateful)) {
    const InitSpec &init = n->init();
    os_ << " init = " << initKindName(init.kind);
    int args = initKindArgs(init.kind);
    if (args > 0) {
      os_ << "(" << formatNumber(init.a, DType::F64);
      if (args > 1)
        os_ << ", " << formatNumber(init.b, DType::F64);
      os_ << ")";
    }
  }
}

void Printer::printOp(const Node *n) {
  for (size_t i = 0; i < n->numOperands(); ++i)
    os_ << (i ? ", " : " ") << ref(n->operand(i));
  std::string sep = " {";
  auto emit = [&](std::string_view name, const AttrValue &value) {
    os_ << sep << name << " = " << attrValueStr(value);
    sep = ", ";
  };
  // Schema order reads naturally (transpose_a before transpose_b); anything
  // outside the schema (only in unverified graphs) follows in name order.
  for (const AttrSpec &spec : attrSpecs(n->op()))
    if (const AttrValue *value = n->attrs().find(spec.name))
      if (!isDefault(n, spec, *value))
        emit(spec.name, *value);
  for (const auto &[name, value] : n->attrs().items())
    if (!findAttrSpec(n->op(), name))
      emit(name, value);
  if (sep != " {")
    os_ << "}";
}

/// Whether leaving the attribute out would give the same node: the builder
/// fills in and canonicalises the default (an empty `perm` becomes the
/// reversed axes, `axis = -1` the last axis) exactly as it did for `value`.
bool Printer::isDefault(const Node *n, const AttrSpec &spec,
                        const AttrValue &value) {
  if (spec.required)
    return false;
  without_ = Attrs();
  for (const auto &[name, v] : n->attrs().items())
    if (name != spec.name)
      without_.set(name, v);
  operandTypes_.resize(n->numOperands());
  for (size_t i = 0; i < n->numOperands(); ++i)
    operandTypes_[i] = n->operand(i)->type();
  if (!inferTypeInto(n->op(), operandTypes_, without_, inferred_))
    return false;
  const AttrValue *canonical = without_.find(spec.name);
  return canonical && *canonical == value;
}

} // namespace

void printGraph(const Graph &g, std::ostream &os) { Printer(g, os).print(); }

std::string printGraph(const Graph &g) {
  std::ostringstream os;
  printGraph(g, os);
  return os.str();
}

} // namespace voskhod::ir
