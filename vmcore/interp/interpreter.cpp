// The dispatch loop. See interpreter.hpp for the design; the slow paths are
// in interpreter_slow_paths.cpp and interpreter_calls.cpp.
#include "vmcore/interp/interpreter.hpp"

#include <cmath>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/value/number_format.hpp"

// 0 only in a benchmarking build (CMake -DRAYA_FUEL_METERING=OFF), made to
// measure what metering costs: the loop then counts no steps and checks no
// budget, so a task cannot be preempted and step limits do not work.
#ifndef RAYA_FUEL_METERING
#define RAYA_FUEL_METERING 1
#endif

namespace raya::vm {

namespace {

inline bool is_object_kind(Value v) {
  if (!v.is_object()) return false;
  ObjectKind k = v.as_object()->kind();
  return k == ObjectKind::Object || k == ObjectKind::Class;
}

// Arithmetic op codes shared with arith_slow.

/// JavaScript's % on doubles. Integral operands below 2^53 (the common case
/// once an int32 computation overflowed, as in hash/LCG code) use the
/// integer unit instead of fmod, which is an order of magnitude slower.
inline double js_mod(double x, double y) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (x >= -kExact && x <= kExact && y >= -kExact && y <= kExact) {
    auto a = static_cast<int64_t>(x);
    auto b = static_cast<int64_t>(y);
    if (static_cast<double>(a) == x && static_cast<double>(b) == y && b != 0) {
      int64_t r = a % b;
      if (r == 0 && (a < 0 || (a == 0 && std::signbit(x)))) return -0.0;
      return static_cast<double>(r);
    }
  }
  return std::fmod(x, y);
}

}  // namespace

RunOutcome Context::run_task(Task& task, uint64_t budget) {
  current_task_ = &task;
  RunOutcome outcome;
  Interpreter interpreter(*this, task);
  // charge_steps' fast path compares against this (see native_slack_):
  // the steps a builtin may charge on top of what the task has run.
  const int64_t fuel = budget > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(budget);
  native_slack_ = kNoSlackLimit;
  if (options_.max_steps != ~uint64_t(0)) {
    const uint64_t left = options_.max_steps > steps_executed_ ? options_.max_steps - steps_executed_ : 0;
    native_slack_ = std::min<int64_t>(kNoSlackLimit, int64_t(std::min<uint64_t>(left, INT64_MAX / 2))) - fuel;
  }
  metering_ = true;
  try {
    outcome = interpreter.run(budget);
  } catch (const VmFatal& fatal) {
    set_fatal(fatal.code, fatal.message, fatal.limit, fatal.used);
    outcome.kind = RunOutcome::Kind::Fatal;
    outcome.steps = uint64_t(std::max<int64_t>(0, slice_budget_ - safe_point_fuel_)) + native_steps_;
  } catch (const VmRangeError& error) {
    // Raised outside a native call (where it would have been catchable).
    set_fatal(ErrorCode::RuntimeError, error.message);
    fatal_.name = "RangeError";
    outcome.kind = RunOutcome::Kind::Fatal;
    outcome.steps = uint64_t(std::max<int64_t>(0, slice_budget_ - safe_point_fuel_)) + native_steps_;
  }
  metering_ = false;
  native_slack_ = kNoSlackLimit;
  steps_executed_ += outcome.steps;
  current_task_ = nullptr;
  // Fuel is checked only at back-edges and calls, so a task can finish (or
  // block) on straight-line code past the budget: that ends the context too,
  // as a builtin's charge_steps would. A ready task that used the budget
  // exactly cannot go on either.
  if (outcome.kind != RunOutcome::Kind::Fatal && options_.max_steps != ~uint64_t(0) &&
      (steps_executed_ > options_.max_steps ||
       (steps_executed_ == options_.max_steps && task.state == TaskState::Ready))) {
    set_fatal(ErrorCode::StepBudgetExceeded,
              "step budget of " + std::to_string(options_.max_steps) + " steps exhausted after " +
                  std::to_string(steps_executed_) + " steps",
              options_.max_steps, steps_executed_);
    outcome.kind = RunOutcome::Kind::Fatal;
  }
  return outcome;
}

Object* Interpreter::method_base(Value receiver) {
  if (!receiver.is_object()) {
    if (receiver.is_number()) return ctx_.number_prototype_;
    return nullptr;
  }
  switch (receiver.as_object()->kind()) {
    case ObjectKind::Object:
    case ObjectKind::Class:
      return static_cast<Object*>(receiver.as_object());
    case ObjectKind::Array: return ctx_.array_prototype_;
    case ObjectKind::String: return ctx_.string_prototype_;
    case ObjectKind::Map: return ctx_.map_prototype_;
    case ObjectKind::Set: return ctx_.set_prototype_;
    case ObjectKind::Task: return ctx_.task_prototype_;
    default: return nullptr;
  }
}

RunOutcome Interpreter::run(uint64_t budget) {
  static void* const kLabels[] = {
#define RAYA_OP(name, a, b, c, doc) &&L_##name,
#include "vmcore/bytecode/opcodes.def"
#undef RAYA_OP
  };

  RunOutcome outcome;
  if (task_.frames.empty()) {
    outcome.kind = RunOutcome::Kind::Done;
    return outcome;
  }
  int64_t fuel = budget > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(budget);
  const int64_t initial_fuel = fuel;

  Frame* frame;
  Closure* closure;
  const Instr* code;
  const Instr* pc;
  [[maybe_unused]] const Instr* block_start;  // only read by fuel metering
  Value* R;
  const Value* K;
  InlineCache* ICs;
  String* const* IC_NAMES;
  ModuleInstance* mod;
  Instr ins;
  Value exc;

#define LOAD_FRAME()                                                                   \
  do {                                                                                 \
    frame = &task_.frames.back();                                                      \
    closure = frame->closure;                                                          \
    code = closure->proto_->code.data();                                               \
    pc = code + frame->pc;                                                             \
    block_start = pc;                                                                  \
    R = task_.stack.data() + frame->base;                                              \
    mod = closure->module_;                                                            \
    K = mod->constants_.data();                                                        \
    ICs = closure->caches_->caches.data();                                             \
    IC_NAMES = closure->caches_->names.data();                                         \
  } while (0)
// Fuel metering: every fuel update and budget check in the loop goes through
// SAVE_PC, CHARGE, CHARGE_LAST, CHECK_FUEL, JUMP and TAKE_NATIVE_STEPS, so
// that the unmetered build (RAYA_FUEL_METERING 0) is the same loop without
// them.
#if RAYA_FUEL_METERING
// Slow paths may allocate and so end the context (VmFatal): they record the
// fuel spent so far too, so the steps of that slice are still counted.
#define SAVE_PC() (frame->pc = uint32_t(pc - code), ctx_.safe_point_fuel_ = fuel - (pc - block_start))
#define CHARGE() (fuel -= (pc - block_start), block_start = pc)
// Control leaves the frame (return, throw, suspend): charge the block that
// ends here plus `extra` steps; no block starts at pc.
#define CHARGE_LAST(extra) (fuel -= pc - block_start + (extra))
// A safe point: stop if the slice's budget is spent.
#define CHECK_FUEL()                   \
  do {                                 \
    if (fuel <= 0) goto out_of_fuel;   \
  } while (0)
// A taken jump: charge the block that ends here, then move.
#define JUMP(offset)                 \
  do {                               \
    int32_t off_ = (offset);         \
    fuel -= pc - block_start;        \
    pc += off_;                      \
    block_start = pc;                \
    if (off_ < 0 && fuel <= 0) goto out_of_fuel; \
  } while (0)
// Builtins charge steps for work that grows with their input
// (Context::charge_steps); those count here, after the call.
#define TAKE_NATIVE_STEPS()                             \
  do {                                                  \
    fuel -= int64_t(ctx_.native_steps_);                \
    ctx_.native_steps_ = 0;                             \
  } while (0)
#else
#define SAVE_PC() (frame->pc = uint32_t(pc - code))
#define CHARGE() ((void)0)
#define CHARGE_LAST(extra) ((void)0)
#define CHECK_FUEL() ((void)0)
#define JUMP(offset) (pc += (offset))
#define TAKE_NATIVE_STEPS() ((void)0)
#endif
#define DISPATCH()                     \
  do {                                 \
    ins = *pc++;                       \
    goto* kLabels[op_bits(ins)];       \
  } while (0)
#define A arg_a(ins)
#define B arg_b(ins)
#define C arg_c(ins)
// Slow paths may charge steps for their work (string concatenation, spreads,
// for-in): those count here, after it, like a native call's.
#define SLOW(expr)                 \
  do {                             \
    SAVE_PC();                     \
    bool slow_ok_ = (expr);        \
    TAKE_NATIVE_STEPS();           \
    if (!slow_ok_) goto pending;   \
  } while (0)
// Strict equality; comparing long strings by content is paid for.
#define STRICT_EQUALS(x, y, out)                              \
  do {                                                        \
    if ((x).is_int() && (y).is_int()) {                       \
      out = (x) == (y);                                       \
    } else {                                                  \
      SAVE_PC();                                              \
      out = builtins::strict_equals_charged(ctx_, (x), (y));  \
      TAKE_NATIVE_STEPS();                                    \
    }                                                         \
  } while (0)
#define AFTER_CALL(result)                              \
  do {                                                  \
    TAKE_NATIVE_STEPS();                                \
    if ((result) == CallResult::Threw) goto pending;    \
    if ((result) == CallResult::PushedFrame) {          \
      LOAD_FRAME();                                     \
      CHECK_FUEL();                                     \
    } else {                                            \
      R = task_.stack.data() + frame->base;             \
      CHECK_FUEL();                                     \
    }                                                   \
  } while (0)

// The common call: a plain closure with its parameters supplied and room on
// the stack. Anything else takes call_value().
#define ENTER_CLOSURE_FAST(callee_value, window, argc_value)                                   \
  do {                                                                                         \
    Value callee_ = (callee_value);                                                            \
    if (is_closure(callee_)) {                                                                 \
      Closure* c_ = as_closure(callee_);                                                       \
      const FunctionProto* p_ = c_->proto_;                                                    \
      uint32_t argc_ = (argc_value);                                                           \
      uint32_t new_base_ = frame->base + (window) + 1;                                         \
      if (!(p_->flags & (kFunctionIsClassCtor | kFunctionHasRest | kFunctionIsAsync)) &&            \
          argc_ >= p_->param_count &&                                                          \
          size_t(new_base_) + p_->register_count < task_.stack.size() &&                      \
          task_.frames.size() < max_depth) {                                                   \
        SAVE_PC();                                                                             \
        CHARGE();                                                                              \
        task_.frames.push_back(Frame{c_, 0, new_base_, new_base_ - 1, 0});                      \
        LOAD_FRAME();                                                                          \
        CHECK_FUEL();                                                                          \
        DISPATCH();                                                                            \
      }                                                                                        \
    }                                                                                          \
  } while (0)

  const size_t max_depth = ctx_.options_.max_call_depth;
  ctx_.slice_budget_ = initial_fuel;
  ctx_.safe_point_fuel_ = initial_fuel;
  ctx_.native_steps_ = 0;
  LOAD_FRAME();
  if (task_.has_resume_exception) {
    // A host request failed: the task throws at the call that made it.
    task_.has_resume_exception = false;
    exc = task_.resume_exception;
    task_.resume_exception = Value::undefined();
    goto do_throw;
  }
  DISPATCH();

L_Nop:
  DISPATCH();
L_Mov:
  R[A] = R[B];
  DISPATCH();
L_LoadK:
  R[A] = K[B];
  DISPATCH();
L_LoadKW:
  R[A] = K[uint32_t(arg_sbc(ins))];
  DISPATCH();
L_LoadInt:
  R[A] = Value::int32(arg_sb(ins));
  DISPATCH();
L_LoadUndef:
  R[A] = Value::undefined();
  DISPATCH();
L_LoadNull:
  R[A] = Value::null();
  DISPATCH();
L_LoadTrue:
  R[A] = Value::boolean(true);
  DISPATCH();
L_LoadFalse:
  R[A] = Value::boolean(false);
  DISPATCH();
L_LoadEmpty:
  R[A] = Value::empty();
  DISPATCH();
L_CheckInit:
  if (R[A].is_empty()) {
    SAVE_PC();
    ctx_.throw_error(ErrorType::ReferenceError,
                     "Cannot access '" + ctx_.to_display_utf8(K[B]) + "' before initialization");
    goto pending;
  }
  DISPATCH();

L_GetGlobal: {
  Value v = mod->globals_[B];
  if (v.is_empty()) {
    SAVE_PC();
    ctx_.throw_error(ErrorType::ReferenceError,
                     "Cannot access '" + mod->module_->globals[B].name + "' before initialization");
    goto pending;
  }
  R[A] = v;
  DISPATCH();
}
L_SetGlobal:
  if (C != 0 && mod->globals_[B].is_empty()) {
    SAVE_PC();
    ctx_.throw_error(ErrorType::ReferenceError,
                     "Cannot access '" + mod->module_->globals[B].name + "' before initialization");
    goto pending;
  }
  mod->globals_[B] = R[A];
  DISPATCH();
L_GetBuiltin:
  R[A] = mod->builtins_[B];
  DISPATCH();
L_GetUpval:
  R[A] = closure->upvalues()[B]->value_;
  DISPATCH();
L_SetUpval:
  closure->upvalues()[B]->value_ = R[A];
  DISPATCH();
L_GetUpvalCell:
  R[A] = Value::object(closure->upvalues()[B]);
  DISPATCH();
L_NewCell: {
  SAVE_PC();
  Cell* cell = ctx_.heap().make<Cell>(R[B]);
  R[A] = Value::object(cell);
  DISPATCH();
}
L_GetCell:
  if (!is_cell(R[B])) {
    SAVE_PC();
    ctx_.throw_type_error("internal error: register does not hold a captured variable");
    goto pending;
  }
  R[A] = as_cell(R[B])->value_;
  DISPATCH();
L_SetCell:
  if (!is_cell(R[A])) {
    SAVE_PC();
    ctx_.throw_type_error("internal error: register does not hold a captured variable");
    goto pending;
  }
  as_cell(R[A])->value_ = R[B];
  DISPATCH();
L_Closure: {
  SAVE_PC();
  Value v = new_closure(B);
  if (v.is_undefined()) goto pending;
  R[A] = v;
  DISPATCH();
}

// Each arithmetic handler exists twice: register-register and with a
// constant right operand (the K forms). The bodies are shared macros.
#define ARITH_ADD(label, Y)                                              \
  label: {                                                               \
    Value x = R[B], y = (Y);                                             \
    if (x.is_int() && y.is_int()) {                                      \
      int32_t r;                                                         \
      if (!__builtin_add_overflow(x.as_int(), y.as_int(), &r))          \
        R[A] = Value::int32(r);                                          \
      else                                                               \
        R[A] = Value::raw_double(double(x.as_int()) + double(y.as_int())); \
      DISPATCH();                                                        \
    }                                                                    \
    if (x.is_number() && y.is_number()) {                                \
      R[A] = Value::raw_double(x.to_double() + y.to_double());           \
      DISPATCH();                                                        \
    }                                                                    \
    Value out;                                                           \
    SLOW(add_slow(x, y, out));                                           \
    R[A] = out;                                                          \
    DISPATCH();                                                          \
  }
#define ARITH_SUB(label, Y)                                              \
  label: {                                                               \
    Value x = R[B], y = (Y);                                             \
    if (x.is_int() && y.is_int()) {                                      \
      int32_t r;                                                         \
      if (!__builtin_sub_overflow(x.as_int(), y.as_int(), &r))          \
        R[A] = Value::int32(r);                                          \
      else                                                               \
        R[A] = Value::raw_double(double(x.as_int()) - double(y.as_int())); \
      DISPATCH();                                                        \
    }                                                                    \
    if (x.is_number() && y.is_number()) {                                \
      R[A] = Value::raw_double(x.to_double() - y.to_double());           \
      DISPATCH();                                                        \
    }                                                                    \
    Value out;                                                           \
    SLOW(arith_slow(kSub, x, y, out));                                   \
    R[A] = out;                                                          \
    DISPATCH();                                                          \
  }
#define ARITH_MUL(label, Y)                                              \
  label: {                                                               \
    Value x = R[B], y = (Y);                                             \
    if (x.is_int() && y.is_int()) {                                      \
      int32_t r;                                                         \
      if (!__builtin_mul_overflow(x.as_int(), y.as_int(), &r) &&        \
          (r != 0 || (x.as_int() >= 0 && y.as_int() >= 0)))              \
        R[A] = Value::int32(r);                                          \
      else                                                               \
        R[A] = Value::raw_double(double(x.as_int()) * double(y.as_int())); \
      DISPATCH();                                                        \
    }                                                                    \
    if (x.is_number() && y.is_number()) {                                \
      R[A] = Value::raw_double(x.to_double() * y.to_double());           \
      DISPATCH();                                                        \
    }                                                                    \
    Value out;                                                           \
    SLOW(arith_slow(kMul, x, y, out));                                   \
    R[A] = out;                                                          \
    DISPATCH();                                                          \
  }
#define ARITH_DIV(label, Y)                                              \
  label: {                                                               \
    Value x = R[B], y = (Y);                                             \
    if (x.is_number() && y.is_number()) {                                \
      R[A] = Value::number(x.to_double() / y.to_double());               \
      DISPATCH();                                                        \
    }                                                                    \
    Value out;                                                           \
    SLOW(arith_slow(kDiv, x, y, out));                                   \
    R[A] = out;                                                          \
    DISPATCH();                                                          \
  }
#define ARITH_MOD(label, Y)                                              \
  label: {                                                               \
    Value x = R[B], y = (Y);                                             \
    if (x.is_int() && y.is_int()) {                                      \
      int32_t a = x.as_int(), b = y.as_int();                            \
      if (b > 0 && a >= 0) {                                             \
        R[A] = Value::int32(a % b);                                      \
        DISPATCH();                                                      \
      }                                                                  \
    }                                                                    \
    if (x.is_number() && y.is_number()) {                                \
      R[A] = Value::number(js_mod(x.to_double(), y.to_double()));        \
      DISPATCH();                                                        \
    }                                                                    \
    Value out;                                                           \
    SLOW(arith_slow(kMod, x, y, out));                                   \
    R[A] = out;                                                          \
    DISPATCH();                                                          \
  }
  ARITH_ADD(L_Add, R[C])
  ARITH_ADD(L_AddK, K[C])
  ARITH_SUB(L_Sub, R[C])
  ARITH_SUB(L_SubK, K[C])
  ARITH_MUL(L_Mul, R[C])
  ARITH_MUL(L_MulK, K[C])
  ARITH_DIV(L_Div, R[C])
  ARITH_DIV(L_DivK, K[C])
  ARITH_MOD(L_Mod, R[C])
  ARITH_MOD(L_ModK, K[C])
#undef ARITH_ADD
#undef ARITH_SUB
#undef ARITH_MUL
#undef ARITH_DIV
#undef ARITH_MOD
#define ADD_IMMEDIATE(label, slow_call)                         \
  label: {                                                     \
    Value x = R[B];                                            \
    int32_t imm = arg_sc(ins);                                 \
    if (x.is_int()) {                                          \
      int32_t r;                                               \
      if (!__builtin_add_overflow(x.as_int(), imm, &r))        \
        R[A] = Value::int32(r);                                \
      else                                                     \
        R[A] = Value::raw_double(double(x.as_int()) + imm);    \
      DISPATCH();                                              \
    }                                                          \
    if (x.is_double()) {                                       \
      R[A] = Value::raw_double(x.as_double() + imm);           \
      DISPATCH();                                              \
    }                                                          \
    Value out;                                                 \
    SLOW(slow_call);                                           \
    R[A] = out;                                                \
    DISPATCH();                                                \
  }
  ADD_IMMEDIATE(L_AddI, add_slow(x, Value::int32(imm), out))
  ADD_IMMEDIATE(L_Inc, arith_slow(kAddNumber, x, Value::int32(imm), out))
#undef ADD_IMMEDIATE
L_Pow: {
  Value out;
  SLOW(arith_slow(kPow, R[B], R[C], out));
  R[A] = out;
  DISPATCH();
}
#define BITWISE(label, op_code, Y, expr)              \
  label: {                                            \
    Value x = R[B], y = (Y);                          \
    if (x.is_int() && y.is_int()) {                   \
      int32_t l = x.as_int(), r = y.as_int();         \
      R[A] = expr;                                    \
      DISPATCH();                                     \
    }                                                 \
    Value out;                                        \
    SLOW(arith_slow(op_code, x, y, out));             \
    R[A] = out;                                       \
    DISPATCH();                                       \
  }
  BITWISE(L_BitAnd, kBitAnd, R[C], Value::int32(l & r))
  BITWISE(L_BitAndK, kBitAnd, K[C], Value::int32(l & r))
  BITWISE(L_BitOr, kBitOr, R[C], Value::int32(l | r))
  BITWISE(L_BitOrK, kBitOr, K[C], Value::int32(l | r))
  BITWISE(L_BitXor, kBitXor, R[C], Value::int32(l ^ r))
  BITWISE(L_BitXorK, kBitXor, K[C], Value::int32(l ^ r))
  BITWISE(L_Shl, kShl, R[C], Value::int32(int32_t(uint32_t(l) << (uint32_t(r) & 31))))
  BITWISE(L_ShlK, kShl, K[C], Value::int32(int32_t(uint32_t(l) << (uint32_t(r) & 31))))
  BITWISE(L_Shr, kShr, R[C], Value::int32(l >> (uint32_t(r) & 31)))
  BITWISE(L_ShrK, kShr, K[C], Value::int32(l >> (uint32_t(r) & 31)))
  BITWISE(L_UShr, kUShr, R[C], Value::number(double(uint32_t(l) >> (uint32_t(r) & 31))))
  BITWISE(L_UShrK, kUShr, K[C], Value::number(double(uint32_t(l) >> (uint32_t(r) & 31))))
#undef BITWISE

L_Neg: {
  Value x = R[B];
  if (x.is_int() && x.as_int() != 0 && x.as_int() != INT32_MIN) {
    R[A] = Value::int32(-x.as_int());
    DISPATCH();
  }
  if (x.is_number()) {
    R[A] = Value::raw_double(-x.to_double());
    DISPATCH();
  }
  Value out;
  SLOW(unary_slow(0, x, out));
  R[A] = out;
  DISPATCH();
}
L_Plus: {
  Value x = R[B];
  if (x.is_number()) {
    R[A] = x;
    DISPATCH();
  }
  Value out;
  SLOW(unary_slow(1, x, out));
  R[A] = out;
  DISPATCH();
}
L_BitNot: {
  Value x = R[B];
  if (x.is_int()) {
    R[A] = Value::int32(~x.as_int());
    DISPATCH();
  }
  Value out;
  SLOW(unary_slow(2, x, out));
  R[A] = out;
  DISPATCH();
}
L_Not:
  R[A] = Value::boolean(!Context::is_truthy(R[B]));
  DISPATCH();
L_Typeof:
  SAVE_PC();
  R[A] = Value::object(ctx_.typeof_string(R[B]));
  DISPATCH();
L_ToString: {
  SAVE_PC();
  Value x = R[B];
  R[A] = is_string(x) ? x : Value::object(ctx_.to_string(x));
  DISPATCH();
}

L_Eq: {
  Value x = R[B], y = R[C];
  bool eq;
  STRICT_EQUALS(x, y, eq);
  R[A] = Value::boolean(eq);
  DISPATCH();
}
L_Ne: {
  Value x = R[B], y = R[C];
  bool eq;
  STRICT_EQUALS(x, y, eq);
  R[A] = Value::boolean(!eq);
  DISPATCH();
}
#define COMPARE(label, op_code, cmp)                                       \
  label: {                                                                 \
    Value x = R[B], y = R[C];                                              \
    bool result;                                                           \
    if (x.is_int() && y.is_int()) {                                        \
      result = x.as_int() cmp y.as_int();                                  \
    } else if (x.is_number() && y.is_number()) {                           \
      result = x.to_double() cmp y.to_double();                            \
    } else {                                                               \
      SLOW(compare_slow(op_code, x, y, result));                           \
    }                                                                      \
    R[A] = Value::boolean(result);                                         \
    DISPATCH();                                                            \
  }
  COMPARE(L_Lt, kLt, <)
  COMPARE(L_Le, kLe, <=)
#undef COMPARE
L_In: {
  Value out;
  SLOW(op_in(R[B], R[C], out));
  R[A] = out;
  DISPATCH();
}
L_InstanceOf: {
  Value out;
  SLOW(op_instanceof(R[B], R[C], out));
  R[A] = out;
  DISPATCH();
}

L_Jmp:
  JUMP(arg_sbc(ins));
  DISPATCH();
L_JmpIf:
  if (Context::is_truthy(R[A])) JUMP(arg_sbc(ins));
  DISPATCH();
L_JmpIfNot:
  if (!Context::is_truthy(R[A])) JUMP(arg_sbc(ins));
  DISPATCH();
L_JmpIfNullish:
  if (R[A].is_nullish()) JUMP(arg_sbc(ins));
  DISPATCH();
L_JmpIfNotNullish:
  if (!R[A].is_nullish()) JUMP(arg_sbc(ins));
  DISPATCH();
L_JmpIfNotUndef:
  if (!R[A].is_undefined()) JUMP(arg_sbc(ins));
  DISPATCH();
#define COMPARE_JUMP(label, op_code, cmp, negate)                          \
  label: {                                                                 \
    Value x = R[A], y = R[B];                                              \
    bool result;                                                           \
    if (x.is_int() && y.is_int()) {                                        \
      result = x.as_int() cmp y.as_int();                                  \
    } else if (x.is_number() && y.is_number()) {                           \
      result = x.to_double() cmp y.to_double();                            \
    } else {                                                               \
      SLOW(compare_slow(op_code, x, y, result));                           \
    }                                                                      \
    if (result != negate) JUMP(arg_sc(ins));                               \
    DISPATCH();                                                            \
  }
  COMPARE_JUMP(L_JLt, kLt, <, false)
  COMPARE_JUMP(L_JLe, kLe, <=, false)
  COMPARE_JUMP(L_JNLt, kLt, <, true)
  COMPARE_JUMP(L_JNLe, kLe, <=, true)
#undef COMPARE_JUMP
L_JEq: {
  Value x = R[A], y = R[B];
  bool eq;
  STRICT_EQUALS(x, y, eq);
  if (eq) JUMP(arg_sc(ins));
  DISPATCH();
}
L_JNe: {
  Value x = R[A], y = R[B];
  bool eq;
  STRICT_EQUALS(x, y, eq);
  if (!eq) JUMP(arg_sc(ins));
  DISPATCH();
}

L_NewObject:
  SAVE_PC();
  R[A] = Value::object(ctx_.new_plain_object());
  DISPATCH();
L_NewArray:
  SAVE_PC();
  R[A] = Value::object(ctx_.new_array(0, B));
  DISPATCH();
L_GetProp: {
  Value o = R[B];
  InlineCache& ic = ICs[C];
  if (is_object_kind(o)) {
    Object* obj = static_cast<Object*>(o.as_object());
    if (obj->shape_ == ic.shape && ic.transition == nullptr) {
      if (ic.holder == nullptr) {
        R[A] = obj->slots_[ic.slot];
        DISPATCH();
      }
      if (ic.epoch == ctx_.proto_epoch_) {
        R[A] = ic.holder->slots_[ic.slot];
        DISPATCH();
      }
    }
  } else if (o.is_object() && IC_NAMES[C] == ctx_.length_key_) {
    ObjectKind k = o.as_object()->kind();
    if (k == ObjectKind::Array) {
      R[A] = Value::number(double(as_array(o)->length_));
      DISPATCH();
    }
    if (k == ObjectKind::String) {
      R[A] = Value::int32(int32_t(as_string(o)->length_));
      DISPATCH();
    }
  }
  SAVE_PC();
  Value out;
  CallResult how = CallResult::Returned;
  if (!get_property(o, IC_NAMES[C], &ic, out, frame->base + A, how)) goto pending;
  if (how == CallResult::PushedFrame) {
    CHARGE();
    LOAD_FRAME();
    CHECK_FUEL();
    DISPATCH();
  }
  R[A] = out;
  DISPATCH();
}
L_SetProp: {
  Value o = R[A];
  InlineCache& ic = ICs[B];
  if (is_object_kind(o)) {
    Object* obj = static_cast<Object*>(o.as_object());
    // Frozen objects keep their shape, so the cache must check the flag;
    // prototypes must take the slow path so adding to them bumps the epoch.
    if (obj->shape_ == ic.shape && !(obj->flags_ & (kObjectFrozen | kObjectIsPrototype))) {
      if (ic.transition == nullptr && ic.holder == nullptr) {
        obj->slots_[ic.slot] = R[C];
        DISPATCH();
      }
      if (ic.transition != nullptr && ic.epoch == ctx_.proto_epoch_ && ic.slot < obj->capacity_) {
        obj->slots_[ic.slot] = R[C];
        obj->shape_ = ic.transition;
        DISPATCH();
      }
    }
  }
  SAVE_PC();
  CallResult how = CallResult::Returned;
  if (!set_property(o, IC_NAMES[B], &ic, R[C], how)) goto pending;
  if (how == CallResult::PushedFrame) {
    CHARGE();
    LOAD_FRAME();
    CHECK_FUEL();
  }
  DISPATCH();
}
L_GetElem: {
  Value o = R[B], k = R[C];
  if (k.is_int() && is_array(o)) {
    Array* arr = as_array(o);
    uint32_t i = uint32_t(k.as_int());
    R[A] = i < arr->length_ ? arr->elements_[i] : Value::undefined();
    DISPATCH();
  }
  SAVE_PC();
  Value out;
  CallResult how = CallResult::Returned;
  if (!get_element(o, k, out, frame->base + A, how)) goto pending;
  if (how == CallResult::PushedFrame) {
    CHARGE();
    LOAD_FRAME();
    CHECK_FUEL();
    DISPATCH();
  }
  R[A] = out;
  DISPATCH();
}
L_SetElem: {
  Value o = R[A], k = R[B];
  if (k.is_int() && is_array(o)) {
    Array* arr = as_array(o);
    uint32_t i = uint32_t(k.as_int());
    if (i < arr->length_ && !(arr->flags_ & kObjectFrozen)) {
      arr->elements_[i] = R[C];
      DISPATCH();
    }
  }
  SAVE_PC();
  CallResult how = CallResult::Returned;
  if (!set_element(o, k, R[C], how)) goto pending;
  if (how == CallResult::PushedFrame) {
    CHARGE();
    LOAD_FRAME();
    CHECK_FUEL();
  }
  DISPATCH();
}
L_ArrayPush:
  SAVE_PC();
  if (!is_array(R[A])) {
    ctx_.throw_type_error("internal error: ArrayPush on a non-array");
    goto pending;
  }
  ctx_.array_push(as_array(R[A]), R[B]);
  DISPATCH();
L_ArraySpread:
  SLOW(array_spread(R[A], R[B]));
  DISPATCH();
L_ObjectSpread:
  SLOW(object_spread(R[A], R[B]));
  DISPATCH();
L_ObjectRest: {
  Value out;
  SLOW(object_rest(R[B], R[C], out));
  R[A] = out;
  DISPATCH();
}
L_ArrayRest: {
  Value out;
  SLOW(array_rest(R[B], C, out));
  R[A] = out;
  DISPATCH();
}
L_DefineGetter:
  SLOW(define_accessor(R[A], R[B], R[C], true));
  DISPATCH();
L_DefineSetter:
  SLOW(define_accessor(R[A], R[B], R[C], false));
  DISPATCH();
L_DefineExport:
  SLOW(define_export(R[A], K[B], C));
  DISPATCH();
L_DefineMethod:
  SLOW(define_method(R[A], R[B], R[C]));
  DISPATCH();
L_NewClass: {
  Value out;
  SLOW(new_class(R[A], R[B], as_string(K[C]), out));
  R[A] = out;
  DISPATCH();
}
L_GetSuper: {
  Value out;
  SLOW(get_super(IC_NAMES[B], out));
  R[A] = out;
  DISPATCH();
}
// The generic call paths: `how(window, argc)` pushes a frame or calls a
// native. The spread forms first unpack the argument array into the window.
#define GENERIC_CALL(how, argc_value)                     \
  do {                                                    \
    SAVE_PC();                                            \
    CHARGE();                                             \
    CallResult r = how(frame->base + A, (argc_value));   \
    AFTER_CALL(r);                                        \
    DISPATCH();                                           \
  } while (0)
#define SPREAD_CALL(how)                                                     \
  do {                                                                       \
    SAVE_PC();                                                               \
    CHARGE();                                                                \
    uint32_t argc = 0;                                                       \
    if (!spread_arguments(frame->base + A, argc)) goto pending;              \
    CallResult r = how(frame->base + A, argc);                               \
    AFTER_CALL(r);                                                           \
    DISPATCH();                                                              \
  } while (0)
#define CALL_WITH_THIS(window, argc) call_value((window), (argc), 0)
L_SuperCall:
  GENERIC_CALL(super_call, B);
L_SuperCallSpread:
  SPREAD_CALL(super_call);
L_CallFn:
  R[A + 1] = Value::undefined();
  // fall through: a plain call with this = undefined
L_Call:
  ENTER_CLOSURE_FAST(R[A], A, B);
  GENERIC_CALL(CALL_WITH_THIS, B);
L_CallMethod: {
  Value recv = R[A + 1];
  InlineCache& ic = ICs[C];
  Value fn;
  Object* base = method_base(recv);
  if (base != nullptr && base->shape_ == ic.shape && ic.transition == nullptr &&
      (ic.holder == nullptr || ic.epoch == ctx_.proto_epoch_)) {
    fn = (ic.holder == nullptr ? base : ic.holder)->slots_[ic.slot];
  } else {
    SLOW(lookup_method(recv, IC_NAMES[C], &ic, fn));
  }
  R[A] = fn;
  ENTER_CLOSURE_FAST(fn, A, B);
  GENERIC_CALL(CALL_WITH_THIS, B);
}
L_CallSpread:
  SPREAD_CALL(CALL_WITH_THIS);
L_New:
  GENERIC_CALL(construct, B);
L_NewSpread:
  SPREAD_CALL(construct);
L_ReturnUndef:
  exc = Value::undefined();
  goto do_return;
L_Return:
  exc = R[A];
do_return: {
  CHARGE_LAST(0);
  Frame done = task_.frames.back();
  Value result = exc;
  if ((done.flags & kFrameConstruct) && !result.is_object()) {
    result = task_.stack[done.base];
    if (done.closure->owner_class_ != nullptr && is_object_kind(result)) {
      Class* cls = done.closure->owner_class_;
      uint32_t used = static_cast<Object*>(result.as_object())->shape_->slot_count_;
      if (used > cls->instance_slot_hint_ && used <= 64) cls->instance_slot_hint_ = used;
    }
  }
  task_.frames.pop_back();
  if (done.flags & kFrameBoundary) {
    TAKE_NATIVE_STEPS();
    finish_task(result);
    outcome.kind = RunOutcome::Kind::Done;
    outcome.steps = uint64_t(initial_fuel - fuel);
    return outcome;
  }
  if (!(done.flags & kFrameDiscardResult)) task_.stack[done.result_slot] = result;
  LOAD_FRAME();
  DISPATCH();
}
L_Throw:
  SAVE_PC();
  exc = R[A];
  goto do_throw;
L_Await: {
  SAVE_PC();
  CHARGE();
  Value out;
  AwaitResult r = await_value(R[B], out);
  TAKE_NATIVE_STEPS();
  if (r == AwaitResult::Threw) goto pending;
  if (r == AwaitResult::Blocked) {
    frame->pc -= 1;  // run the Await again when woken
    goto suspended;
  }
  R[A] = out;
  CHECK_FUEL();
  DISPATCH();
}

L_GetIter: {
  Value out;
  SLOW(get_iterator(R[B], out));
  R[A] = out;
  DISPATCH();
}
L_IterNext: {
  Value it = R[B];
  if (it.is_object() && it.as_object()->kind() == ObjectKind::Iterator) {
    auto* iter = static_cast<Iterator*>(it.as_object());
    if (iter->over_ == Iterator::Over::Array) {
      Array* arr = as_array(iter->source_);
      if (iter->index_ < arr->length_) {
        R[A] = arr->elements_[iter->index_++];
        DISPATCH();
      }
      JUMP(arg_sc(ins));
      DISPATCH();
    }
  }
  Value out;
  bool done = false;
  SLOW(iterator_next(it, out, done));
  if (done) {
    JUMP(arg_sc(ins));
  } else {
    R[A] = out;
  }
  DISPATCH();
}
L_ForInKeys: {
  Value out;
  SLOW(for_in_keys(R[B], out));
  R[A] = out;
  DISPATCH();
}

pending:
  if (ctx_.suspending_) {
    // A native stopped the task (sleep, yieldNow, a host call, cancel):
    // the call's result arrives when it resumes.
    ctx_.suspending_ = false;
    goto suspended;
  }
  exc = ctx_.take_pending_exception();
do_throw:
  // A throw costs a step and is a safe point: a handler placed before its
  // throw forms a loop without a backward jump, so check the budget here.
  CHARGE_LAST(1);
  TAKE_NATIVE_STEPS();
  if (!unwind(exc)) {
    outcome.kind = RunOutcome::Kind::Done;
    outcome.steps = uint64_t(initial_fuel - fuel);
    return outcome;
  }
  LOAD_FRAME();
  CHECK_FUEL();
  DISPATCH();

suspended:
  CHARGE_LAST(0);
  TAKE_NATIVE_STEPS();
  outcome.kind = RunOutcome::Kind::Yielded;
  outcome.steps = uint64_t(initial_fuel - fuel);
  return outcome;

#if RAYA_FUEL_METERING
out_of_fuel:
  SAVE_PC();
  TAKE_NATIVE_STEPS();
  outcome.kind = RunOutcome::Kind::Yielded;
  outcome.steps = uint64_t(initial_fuel - fuel);
  return outcome;
#endif

#undef LOAD_FRAME
#undef SAVE_PC
#undef CHARGE
#undef CHARGE_LAST
#undef CHECK_FUEL
#undef DISPATCH
#undef A
#undef B
#undef C
#undef SLOW
#undef JUMP
#undef AFTER_CALL
#undef TAKE_NATIVE_STEPS
#undef ENTER_CLOSURE_FAST
#undef GENERIC_CALL
#undef SPREAD_CALL
#undef CALL_WITH_THIS
}

}  // namespace raya::vm
