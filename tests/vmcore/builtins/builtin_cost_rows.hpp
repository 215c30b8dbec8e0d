// The rows of the builtin cost table: for every native builtin (and the
// interpreter's own operations whose work grows with their operands) a
// program that builds a large input (`setup`) and one operation on it
// (`op`), with the fewest steps the operation must charge. Shared by the
// cost table test (tests/vmcore/builtins/builtin_cost_table_test.cpp) and
// the cost benchmark (bench/cost/builtin_cost_bench.cpp, `make bench-cost`).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm::cost_rows {

struct Row {
  std::string name;  // as enumerated: "Array.prototype.indexOf", "Math.max", "parseInt"
  std::string setup;
  std::string op;
  uint64_t min_steps;    // 0: a constant row
  std::string why = {};  // a row that is not run says why
};

/// How GoogleTest shows a row: its name.
inline void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

inline constexpr uint64_t kN = 100000;    // elements of the large arrays, Maps, Sets
inline constexpr uint64_t kL = 1000000;   // code units of the large strings
inline constexpr uint64_t kK = 20000;     // properties of the large object
inline constexpr uint64_t kUnitSteps = kL / Context::kUnitsPerStep;
inline constexpr uint64_t kConstantSteps = 64;  // what an O(1) op may cost (its instructions)

inline const std::string kArray = "const a = new Array(100000).fill(1);\n";
// Spread calls take at most 65,000 arguments.
inline constexpr uint64_t kArgs = 60000;
inline const std::string kArgArray = "const a = new Array(60000).fill(1);\n";
inline const std::string kString = "const s = 'x'.repeat(1000000);\n";
inline const std::string kTwoStrings = "const s = 'x'.repeat(1000000);\nconst t = 'x'.repeat(1000000);\n";
inline const std::string kSpaces = "const w = ' '.repeat(1000000);\n";
inline const std::string kObject = "const o = {};\nfor (let i = 0; i < 20000; i++) o['k' + i] = i;\n";
inline const std::string kMap = "const m = new Map();\nfor (let i = 0; i < 100000; i++) m.set(i, i);\n";
inline const std::string kSet = "const st = new Set();\nfor (let i = 0; i < 100000; i++) st.add(i);\n";
inline const std::string kDigits = "const d = '1'.repeat(1000000);\n";
// 10 x 100 x 100 numbers: what console.log shows of them at its default depth.
inline constexpr uint64_t kNestedValues = 100000;
inline const std::string kNested =
    "const n = [];\nfor (let i = 0; i < 10; i++) {\n  const m = [];\n"
    "  for (let j = 0; j < 100; j++) m.push(new Array(100).fill(1));\n  n.push(m);\n}\n";


inline Row linear(std::string name, std::string setup, std::string op, uint64_t min_steps) {
  return Row{std::move(name), std::move(setup), std::move(op), min_steps};
}
inline Row constant(std::string name, std::string setup, std::string op) {
  return Row{std::move(name), std::move(setup), std::move(op), 0};
}

inline std::vector<Row> rows() {
  std::vector<Row> r = {
      // --- Array --------------------------------------------------------------------------
      linear("Array", "", "new Array(100000);", kN),
      constant("Array.isArray", kArray, "Array.isArray(a);"),
      linear("Array.of", kArgArray, "Array.of(...a);", kArgs),
      linear("Array.prototype.push", kArgArray, "a.push(...a);", kArgs),
      constant("Array.prototype.pop", kArray, "a.pop();"),
      linear("Array.prototype.shift", kArray, "a.shift();", kN - 1),
      linear("Array.prototype.unshift", kArray, "a.unshift(0);", kN),
      linear("Array.prototype.slice", kArray, "a.slice();", kN),
      linear("Array.prototype.splice", kArray, "a.splice(0, 1);", kN - 1),
      linear("Array.prototype.concat", kArray, "a.concat(a);", 2 * kN),
      linear("Array.prototype.indexOf", kArray, "a.indexOf(2);", kN),
      linear("Array.prototype.lastIndexOf", kArray, "a.lastIndexOf(2);", kN),
      linear("Array.prototype.includes", kArray, "a.includes(2);", kN),
      constant("Array.prototype.at", kArray, "a.at(-1);"),
      linear("Array.prototype.join", kArray, "a.join(',');", kN),
      linear("Array.prototype.toString", kArray, "a.toString();", kN),
      linear("Array.prototype.reverse", kArray, "a.reverse();", kN),
      linear("Array.prototype.toReversed", kArray, "a.toReversed();", kN),
      linear("Array.prototype.with", kArray, "a.with(0, 2);", kN),
      linear("Array.prototype.fill", kArray, "a.fill(2);", kN),
      linear("Array.prototype.flat", kArray, "a.flat();", kN),
      linear("Array.prototype.keys", kArray, "a.keys();", kN),
      linear("Array.prototype.values", kArray, "a.values();", kN),
      linear("Array.prototype.entries", kArray, "a.entries();", kN),
      // The prelude's sort() and Array.from() call these two natives.
      linear("__sortDefault", kArray, "a.sort();", kN),
      linear("__arrayFrom", kArray, "Array.from(a);", kN),

      // --- String -------------------------------------------------------------------------
      linear("String", kArray, "String(a);", kN),
      constant("String.prototype.charAt", kString, "s.charAt(5);"),
      constant("String.prototype.charCodeAt", kString, "s.charCodeAt(5);"),
      constant("String.prototype.codePointAt", kString, "s.codePointAt(5);"),
      constant("String.prototype.at", kString, "s.at(-1);"),
      linear("String.prototype.indexOf", kString, "s.indexOf('y');", kUnitSteps),
      linear("String.prototype.lastIndexOf", kString, "s.lastIndexOf('y');", kUnitSteps),
      linear("String.prototype.includes", kString, "s.includes('y');", kUnitSteps),
      linear("String.prototype.startsWith", kTwoStrings, "s.startsWith(t);", kUnitSteps),
      linear("String.prototype.endsWith", kTwoStrings, "s.endsWith(t);", kUnitSteps),
      linear("String.prototype.slice", kString, "s.slice(1);", kUnitSteps),
      linear("String.prototype.substring", kString, "s.substring(1);", kUnitSteps),
      linear("String.prototype.substr", kString, "s.substr(1);", kUnitSteps),
      linear("String.prototype.split", kString, "s.split('y');", kUnitSteps),
      linear("String.prototype.replace", kString, "s.replace('y', 'z');", kUnitSteps),
      linear("String.prototype.replaceAll", kString, "s.replaceAll('y', 'z');", kUnitSteps),
      linear("String.prototype.repeat", "", "'x'.repeat(1000000);", kUnitSteps),
      linear("String.prototype.padStart", "", "''.padStart(1000000);", kUnitSteps),
      linear("String.prototype.padEnd", "", "''.padEnd(1000000);", kUnitSteps),
      linear("String.prototype.trim", kSpaces, "w.trim();", kUnitSteps),
      linear("String.prototype.trimStart", kSpaces, "w.trimStart();", kUnitSteps),
      linear("String.prototype.trimEnd", kSpaces, "w.trimEnd();", kUnitSteps),
      linear("String.prototype.toUpperCase", kString, "s.toUpperCase();", kUnitSteps),
      linear("String.prototype.toLowerCase", kString, "s.toLowerCase();", kUnitSteps),
      linear("String.prototype.concat", kString, "s.concat(s);", 2 * kUnitSteps),
      linear("String.prototype.localeCompare", kTwoStrings, "s.localeCompare(t);", kUnitSteps),
      constant("String.prototype.toString", kString, "s.toString();"),
      constant("String.prototype.valueOf", kString, "s.valueOf();"),
      linear("String.fromCharCode", kArgArray, "String.fromCharCode(...a);", kArgs),
      linear("String.fromCodePoint", kArgArray, "String.fromCodePoint(...a);", kArgs),

      // --- Object -------------------------------------------------------------------------
      constant("Object", kObject, "Object(o);"),
      linear("Object.keys", kObject, "Object.keys(o);", kK),
      linear("Object.values", kObject, "Object.values(o);", kK),
      linear("Object.entries", kObject, "Object.entries(o);", kK),
      linear("Object.assign", kObject, "Object.assign({}, o);", kK),
      constant("Object.freeze", kObject, "Object.freeze(o);"),
      constant("Object.isFrozen", kObject, "Object.isFrozen(o);"),
      linear("Object.fromEntries", kObject + "const en = Object.entries(o);\n", "Object.fromEntries(en);", kK),
      constant("Object.getPrototypeOf", kObject, "Object.getPrototypeOf(o);"),
      constant("Object.create", kObject, "Object.create(o);"),
      linear("Object.prototype.hasOwnProperty", kString, "({}).hasOwnProperty(s);", kUnitSteps),
      constant("Object.prototype.toString", kObject, "o.toString();"),

      // --- Number, Boolean, numeric globals ----------------------------------------------
      linear("Number", kDigits, "Number(d);", kUnitSteps),
      constant("Number.isInteger", "", "Number.isInteger(1.5);"),
      constant("Number.isSafeInteger", "", "Number.isSafeInteger(1.5);"),
      constant("Number.isFinite", "", "Number.isFinite(1.5);"),
      constant("Number.isNaN", "", "Number.isNaN(1.5);"),
      linear("Number.parseInt", kDigits, "Number.parseInt(d);", kUnitSteps),
      linear("Number.parseFloat", kDigits, "Number.parseFloat(d);", kUnitSteps),
      linear("parseInt", kDigits, "parseInt(d);", kUnitSteps),
      linear("parseFloat", kDigits, "parseFloat(d);", kUnitSteps),
      constant("isNaN", "", "isNaN(1);"),
      constant("isFinite", "", "isFinite(1);"),
      constant("Number.prototype.toString", "", "(1e300).toString(2);"),
      constant("Number.prototype.toFixed", "", "(1e20).toFixed(100);"),
      constant("Number.prototype.toPrecision", "", "(1e-300).toPrecision(100);"),
      constant("Number.prototype.valueOf", "", "(1).valueOf();"),
      constant("Boolean", kString, "Boolean(s);"),
      constant("Boolean.prototype.toString", "", "true.toString();"),
      constant("Boolean.prototype.valueOf", "", "true.valueOf();"),

      // --- Map and Set ------------------------------------------------------------------
      linear("Map", kMap, "new Map(m);", kN),
      linear("Map.prototype.get", kString + "const m = new Map();\n", "m.get(s);", kUnitSteps),
      linear("Map.prototype.set", kString + "const m = new Map();\n", "m.set(s, 1);", kUnitSteps),
      linear("Map.prototype.has", kString + "const m = new Map();\n", "m.has(s);", kUnitSteps),
      linear("Map.prototype.delete", kString + "const m = new Map();\n", "m.delete(s);", kUnitSteps),
      constant("Map.prototype.clear", kMap, "m.clear();"),
      linear("Map.prototype.keys", kMap, "m.keys();", kN),
      linear("Map.prototype.values", kMap, "m.values();", kN),
      linear("Map.prototype.entries", kMap, "m.entries();", kN),
      linear("Set", kArray, "new Set(a);", kN),
      linear("Set.prototype.add", kString + "const st = new Set();\n", "st.add(s);", kUnitSteps),
      linear("Set.prototype.has", kString + "const st = new Set();\n", "st.has(s);", kUnitSteps),
      linear("Set.prototype.delete", kString + "const st = new Set();\n", "st.delete(s);", kUnitSteps),
      constant("Set.prototype.clear", kSet, "st.clear();"),
      linear("Set.prototype.values", kSet, "st.values();", kN),
      linear("Set.prototype.keys", kSet, "st.keys();", kN),
      linear("Set.prototype.entries", kSet, "st.entries();", kN),

      // --- errors, console, JSON, tasks -----------------------------------------------
      linear("Error", kString, "new Error(s);", kUnitSteps),
      linear("TypeError", kString, "new TypeError(s);", kUnitSteps),
      linear("RangeError", kString, "new RangeError(s);", kUnitSteps),
      linear("ReferenceError", kString, "new ReferenceError(s);", kUnitSteps),
      linear("SyntaxError", kString, "new SyntaxError(s);", kUnitSteps),
      linear("Error.prototype.toString", kString + "const e = new Error(s);\n", "e.toString();", kUnitSteps),
      linear("console.log", kString, "console.log(s);", kUnitSteps),
      linear("console.debug", kString, "console.debug(s);", kUnitSteps),
      linear("console.info", kString, "console.info(s);", kUnitSteps),
      linear("console.warn", kString, "console.warn(s);", kUnitSteps),
      linear("console.error", kString, "console.error(s);", kUnitSteps),
      // JSON pays per value (kPerJsonValue) besides its text.
      linear("JSON.stringify", kArray, "JSON.stringify(a);", kN * builtins::kPerJsonValue.steps),
      linear("JSON.parse", kArray + "const j = JSON.stringify(a);\n", "JSON.parse(j);",
             kN * builtins::kPerJsonValue.steps),
      constant("Task.prototype.isDone", "async function f() {}\nconst task = f();\n", "task.isDone();"),
      constant("Task.prototype.cancel", "async function f() {}\nconst task = f();\n", "task.cancel();"),
      Row{"raya:task.sleep", "", "", 0, "suspends the task on a host timer: O(1), no input to grow"},
      Row{"raya:task.yieldNow", "", "", 0, "suspends the task until the others ran: O(1), no input"},
  };
  // Math: every function but max/min/hypot takes one or two numbers.
  for (const char* name : {"abs",   "acos", "acosh", "asin",  "asinh", "atan",  "atanh", "atan2", "cbrt",
                           "ceil",  "clz32", "cos",  "cosh",  "exp",   "expm1", "floor", "fround", "imul",
                           "log",   "log10", "log1p", "log2", "pow",   "random", "round", "sign",  "sin",
                           "sinh",  "sqrt", "tan",   "tanh",  "trunc"})
    r.push_back(constant(std::string("Math.") + name, "", std::string("Math.") + name + "(0.5, 2);"));
  r.push_back(linear("Math.max", kArgArray, "Math.max(...a);", kArgs));
  r.push_back(linear("Math.min", kArgArray, "Math.min(...a);", kArgs));
  r.push_back(linear("Math.hypot", kArgArray, "Math.hypot(...a);", kArgs));
  return r;
}

/// The interpreter's operations (not natives) that do O(n) work.
inline std::vector<Row> operation_rows() {
  return {
      linear("StrictEqualsOnLongStrings", kTwoStrings, "const eq = s === t;", kUnitSteps),
      linear("NotEqualsOnLongStrings", kTwoStrings, "const ne = s !== t;", kUnitSteps),
      linear("LessThanOnLongStrings", kTwoStrings, "const lt = s < t;", kUnitSteps),
      linear("ConcatenationOfLongStrings", kString, "const c = s + s;", 2 * kUnitSteps),
      linear("LongComputedPropertyKey", kString + "const o = {};\n", "const v = o[s];", kUnitSteps),
      linear("InWithLongKey", kString + "const o = {};\n", "const v = s in o;", kUnitSteps),
      linear("ArrayLengthGrowth", "const a = [];\n", "a.length = 100000;", kN),
      linear("ArrayIndexWriteFarAway", "const a = [];\n", "a[99999] = 1;", kN - 1),
      linear("ArraySpread", kArray, "const b = [...a];", kN),
      linear("StringSpread", kString, "const b = [...s];", kL),
      linear("MapSpread", kMap, "const b = [...m];", kN),
      linear("ObjectSpreadOfArray", kArray, "const b = { ...a };", kN),
      linear("ObjectSpreadOfObject", kObject, "const b = { ...o };", kK),
      linear("ObjectRest", kObject, "const { k0, ...rest } = o;", kK),
      linear("ArrayRest", kArray, "const [x, ...rest] = a;", kN - 1),
      linear("ForInOverArray", kArray, "for (const k in a) { break; }", kN),
      linear("ForInOverObject", kObject, "for (const k in o) { break; }", kK),
      // Spread calls copy up to 65,000 arguments: into a fresh array (one step
      // each, as ArraySpread), then into the call (kPerSpreadArgument each).
      linear("SpreadCall", kArgArray + "function f() {}\n", "f(...a);",
             kArgs * (1 + builtins::kPerSpreadArgument.steps)),
      linear("SpreadCallWithRest", kArgArray + "function f(...r) { return r; }\n", "f(...a);",
             kArgs * (1 + builtins::kPerSpreadArgument.steps)),
      linear("SpreadNew", kArgArray + "class C { constructor() {} }\n", "new C(...a);",
             kArgs * (1 + builtins::kPerSpreadArgument.steps)),
      // console.log of objects: inspect (inspect.cpp) pays per value shown
      // and per unit of text. An array shows 100 elements, but three levels
      // of them are 100,000 values.
      linear("ConsoleLogOfNestedArrays", kNested, "console.log(n);",
             kNestedValues * builtins::kPerInspectedValue.steps),
      linear("ConsoleLogOfWideObject", kObject, "console.log(o);", kK * 2 * builtins::kPerInspectedValue.steps),
      linear("ConsoleLogOfLongStringInArray", kString, "console.log([s]);", kUnitSteps),
      linear("ConsoleLogOfErrorWithLongMessage", kString + "const e = new Error(s);\n", "console.log(e);", kUnitSteps),
      // JSON of objects: a property pays like an element, its key per unit.
      linear("JsonStringifyOfObject", kObject, "JSON.stringify(o);", kK * builtins::kPerJsonValue.steps),
      linear("JsonParseOfObject", kObject + "const j = JSON.stringify(o);\n", "JSON.parse(j);",
             2 * kK * builtins::kPerJsonValue.steps),
  };
}

}  // namespace raya::vm::cost_rows
