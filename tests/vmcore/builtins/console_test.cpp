// console.* and the inspect display function: the expected strings are
// node's util.inspect / console.log output for the same values.
#include "tests/vmcore/builtins/builtin_test_support.hpp"
#include "vmcore/builtins/inspect.hpp"

namespace raya::vm::testing {
namespace {

class ConsoleBuiltin : public BuiltinTest {
 protected:
  ConsoleBuiltin() {
    ctx.set_console_sink(
        [](void* user, int level, std::string_view line) {
          static_cast<ConsoleBuiltin*>(user)->lines_.push_back(std::to_string(level) + "|" + std::string(line));
        },
        this);
  }
  std::string log(std::string_view method, std::initializer_list<Value> args) {
    lines_.clear();
    invoke_static("console", method, args);
    EXPECT_EQ(lines_.size(), 1u);
    return lines_.empty() ? "" : lines_[0];
  }
  std::string inspect(Value v) { return inspect_value(ctx, v); }
  Value nums(int count, int step = 1) {
    Value a = arr({});
    for (int i = 0; i < count; ++i) ctx.array_push(as_array(a), num(i * step));
    return a;
  }
  Value instance_of(std::string_view class_name, std::initializer_list<std::pair<std::string_view, Value>> props) {
    Class* cls = ctx.new_class(ctx.intern_ascii(class_name), nullptr, Value::undefined());
    keep(Value::object(cls));
    Value o = keep(Value::object(ctx.new_object(cls->prototype_)));
    for (auto& [name, value] : props) ctx.define_own_property(as_object(o), ctx.intern_ascii(name), value);
    return o;
  }

  std::vector<std::string> lines_;
};

TEST_F(ConsoleBuiltin, LevelsFollowTheMethod) {
  EXPECT_EQ(log("log", {str("a")}), "0|a");
  EXPECT_EQ(log("info", {str("a")}), "1|a");
  EXPECT_EQ(log("warn", {str("a")}), "2|a");
  EXPECT_EQ(log("error", {str("a")}), "3|a");
}

TEST_F(ConsoleBuiltin, ArgumentsAreJoinedBySpacesWithStringsRaw) {
  EXPECT_EQ(log("log", {str("x"), num(1), boolean(true), null(), undef(), str("it's")}),
            "0|x 1 true null undefined it's");
  EXPECT_EQ(log("log", {num(-0.0), num(0.1), num(1e21)}), "0|-0 0.1 1e+21");
  EXPECT_EQ(log("log", {}), "0|");
  EXPECT_EQ(log("log", {str(""), num(1)}), "0| 1");
}

TEST_F(ConsoleBuiltin, FormatSpecifiersInTheFirstString) {
  EXPECT_EQ(log("log", {str("%s is %d years"), str("Bob"), num(42)}), "0|Bob is 42 years");
  EXPECT_EQ(log("log", {str("%i|%f|%%|%c."), num(4.7), num(1.5), str("color: red")}), "0|4|1.5|%|.");
  EXPECT_EQ(log("log", {str("%o and %O"), arr({num(1)}), obj({{"a", num(1)}})}), "0|[ 1 ] and { a: 1 }");
  EXPECT_EQ(log("log", {str("%s %s"), str("only")}), "0|only %s");
  EXPECT_EQ(log("log", {str("%d"), str("x"), str("extra")}), "0|NaN extra");
  EXPECT_EQ(log("log", {str("100%")}), "0|100%");
}

TEST_F(ConsoleBuiltin, ObjectsAreInspected) {
  EXPECT_EQ(log("log", {str("v:"), obj({{"a", num(1)}, {"b", str("x")}})}), "0|v: { a: 1, b: 'x' }");
}

TEST_F(ConsoleBuiltin, InspectShowsPrimitivesAndStrings) {
  EXPECT_EQ(inspect(str("it's")), "\"it's\"");
  EXPECT_EQ(inspect(str("a\"b'c")), "`a\"b'c`");
  EXPECT_EQ(inspect(str("a\nb\x01")), "'a\\nb\\x01'");
  EXPECT_EQ(inspect(str16(u"\xD800")), "'\\uD800'");
  EXPECT_EQ(inspect(num(-0.0)), "-0");
  EXPECT_EQ(inspect(nan()), "NaN");
  EXPECT_EQ(inspect(undef()), "undefined");
}

TEST_F(ConsoleBuiltin, InspectShowsArraysAndObjectsOnOneLineWhenShort) {
  EXPECT_EQ(inspect(arr({})), "[]");
  EXPECT_EQ(inspect(obj({})), "{}");
  EXPECT_EQ(inspect(arr({num(1), str("a"), null(), undef()})), "[ 1, 'a', null, undefined ]");
  EXPECT_EQ(inspect(obj({{"a-b", num(1)}, {"2", num(3)}, {"_ok", num(4)}, {"$d", num(5)}})),
            "{ '2': 3, 'a-b': 1, _ok: 4, '$d': 5 }");
  EXPECT_EQ(inspect(arr({obj({{"a", num(1)}, {"b", num(2)}}), obj({{"a", num(3)}, {"b", num(4)}})})),
            "[ { a: 1, b: 2 }, { a: 3, b: 4 } ]");
}

TEST_F(ConsoleBuiltin, InspectCollapsesBeyondDepthTwo) {
  Value deep = obj({{"a", obj({{"b", obj({{"c", obj({{"d", num(1)}})}})}})}});
  EXPECT_EQ(inspect(deep), "{ a: { b: { c: [Object] } } }");
  Value arrays = arr({arr({arr({arr({num(1)})})})});
  EXPECT_EQ(inspect(arrays), "[ [ [ [Array] ] ] ]");
  Value empty_deep = obj({{"a", obj({{"b", obj({{"c", obj({})}})}})}});
  EXPECT_EQ(inspect(empty_deep), "{ a: { b: { c: {} } } }");
}

TEST_F(ConsoleBuiltin, InspectGroupsLongNumberArraysIntoColumns) {
  EXPECT_EQ(inspect(nums(10, 1)), "[\n  0, 1, 2, 3, 4,\n  5, 6, 7, 8, 9\n]");
  EXPECT_EQ(inspect(nums(30, 3)),
            "[\n   0,  3,  6,  9, 12, 15, 18, 21, 24,\n  27, 30, 33, 36, 39, 42, 45, 48, 51,\n"
            "  54, 57, 60, 63, 66, 69, 72, 75, 78,\n  81, 84, 87\n]");
  Value fruits = arr({str("apple"), str("banana"), str("cherry"), str("date"), str("elder"), str("fig"), str("grape")});
  EXPECT_EQ(inspect(fruits), "[\n  'apple',  'banana',\n  'cherry', 'date',\n  'elder',  'fig',\n  'grape'\n]");
}

TEST_F(ConsoleBuiltin, InspectTruncatesAfterAHundredItems) {
  std::string out = inspect(nums(120));
  EXPECT_NE(out.find("  96, 97, 98, 99,\n  ... 20 more items\n]"), std::string::npos) << out;
}

TEST_F(ConsoleBuiltin, InspectBreaksLongObjectsOverLines) {
  Value o = obj({{"s", invoke(str("x"), "repeat", {num(100)})}});
  EXPECT_EQ(inspect(o), "{\n  s: '" + std::string(100, 'x') + "'\n}");
}

TEST_F(ConsoleBuiltin, InspectNamesClassInstancesMapsSetsAndFunctions) {
  EXPECT_EQ(inspect(instance_of("Point", {{"x", num(1)}})), "Point { x: 1 }");
  EXPECT_EQ(inspect(instance_of("Empty", {})), "Empty {}");
  Value map = call_on(builtin("Map"), obj({}), {arr({arr({str("a"), num(1)}), arr({num(2), obj({{"x", num(1)}})})})});
  EXPECT_EQ(inspect(map), "Map(2) { 'a' => 1, 2 => { x: 1 } }");
  Value set = call_on(builtin("Set"), obj({}), {arr({num(1), str("a")})});
  EXPECT_EQ(inspect(set), "Set(2) { 1, 'a' }");
  EXPECT_EQ(inspect(call_on(builtin("Map"), obj({}), {})), "Map(0) {}");
  EXPECT_EQ(inspect(get(builtin("Math"), "max")), "[Function: max]");
  EXPECT_EQ(inspect(builtin("Map")), "[class Map]");
  EXPECT_EQ(inspect(invoke_static("Object", "create", {null()})), "[Object: null prototype] {}");
}

TEST_F(ConsoleBuiltin, InspectMarksCircularReferences) {
  Value o = obj({{"a", num(1)}});
  ctx.define_own_property(as_object(o), ctx.intern_ascii("self"), o);
  EXPECT_EQ(inspect(o), "<ref *1> { a: 1, self: [Circular *1] }");
}

TEST_F(ConsoleBuiltin, InspectShowsAccessorsWithoutCallingThem) {
  Value o = obj({});
  define_accessor(o, "g", get(builtin("Math"), "random"));
  EXPECT_EQ(inspect(o), "{ g: [Getter] }");
}

TEST_F(ConsoleBuiltin, InspectPrintsErrorsByTheirStack) {
  Value error = keep(ctx.make_error(ErrorType::RangeError, "too far"));
  // No frames outside a running task: node brackets a stack without frames.
  EXPECT_EQ(inspect(error), "[RangeError: too far]");
  EXPECT_EQ(log("error", {error}), "3|[RangeError: too far]");
}

}  // namespace
}  // namespace raya::vm::testing
