// Array: the class (Array(n), isArray, of, from), the callback-free
// prototype methods, the stable default sort and the builtins exported to
// the prelude (__sortDefault, __arrayFrom).
#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class ArrayBuiltin : public BuiltinTest {
 protected:
  std::string j(Value v) { return json(v); }
  Value nums(std::initializer_list<double> xs) {
    Value a = arr({});
    for (double x : xs) ctx.array_push(as_array(a), num(x));
    return a;
  }
};

TEST_F(ArrayBuiltin, ArrayOfLengthGivesUndefinedElements) {
  Value a = call_fn(builtin("Array"), {num(3)});
  ASSERT_TRUE(is_array(a));
  EXPECT_EQ(as_array(a)->length_, 3u);
  EXPECT_TRUE(as_array(a)->at(2).is_undefined());
  EXPECT_EQ(j(call_fn(builtin("Array"), {num(1), num(2)})), "[1,2]");
  EXPECT_EQ(j(call_fn(builtin("Array"), {str("x")})), R"(["x"])");
  EXPECT_EQ(j(call_fn(builtin("Array"), {})), "[]");
  // `new Array(2)`: `this` is a fresh object, the result is still an array.
  EXPECT_TRUE(is_array(call_on(builtin("Array"), obj({}), {num(2)})));
}

TEST_F(ArrayBuiltin, InvalidLengthIsRangeError) {
  EXPECT_EQ(call_error(builtin("Array"), undef(), {num(-1)}), "RangeError: Invalid array length");
  EXPECT_EQ(call_error(builtin("Array"), undef(), {num(1.5)}), "RangeError: Invalid array length");
  EXPECT_EQ(call_error(builtin("Array"), undef(), {nan()}), "RangeError: Invalid array length");
  EXPECT_NE(call_error(builtin("Array"), undef(), {num(4294967295.0)}).find("RangeError"), std::string::npos);
}

TEST_F(ArrayBuiltin, IsArrayAndOf) {
  EXPECT_TRUE(invoke_static("Array", "isArray", {arr({})}).is_true());
  EXPECT_FALSE(invoke_static("Array", "isArray", {obj({})}).is_true());
  EXPECT_FALSE(invoke_static("Array", "isArray", {str("abc")}).is_true());
  EXPECT_EQ(j(invoke_static("Array", "of", {num(7)})), "[7]");
}

// Array.from and sort as seen by programs are the prelude's; their native
// parts are the __arrayFrom and __sortDefault builtins tested here.
TEST_F(ArrayBuiltin, FromCopiesArraysStringsMapsAndSets) {
  Value from = builtin("__arrayFrom");
  Value source = nums({1, 2});
  Value copy = call_fn(from, {source});
  EXPECT_EQ(j(copy), "[1,2]");
  EXPECT_NE(copy, source);
  EXPECT_EQ(j(call_fn(from, {str("a😀b")})), R"(["a","😀","b"])");
  Value map = keep(Value::object(ctx.new_map(false)));
  as_map(map)->table_.set(str("k"), num(1));
  as_map(map)->table_.set(num(2), str("v"));
  EXPECT_EQ(j(call_fn(from, {map})), R"([["k",1],[2,"v"]])");
  Value set = keep(Value::object(ctx.new_map(true)));
  as_map(set)->table_.set(num(3), undef());
  as_map(set)->table_.set(num(4), undef());
  as_map(set)->table_.remove(num(3));
  EXPECT_EQ(j(call_fn(builtin("__arrayFrom"), {set})), "[4]");
}

TEST_F(ArrayBuiltin, FromANonIterableIsTypeError) {
  Value from = builtin("__arrayFrom");
  EXPECT_EQ(call_error(from, undef(), {num(5)}),
            "TypeError: Array.from: number 5 is not iterable (expected an array, a string, a Map, a Set or an array-like)");
  EXPECT_NE(call_error(from, undef(), {undef()}).find("TypeError"), std::string::npos);
  EXPECT_NE(call_error(from, undef(), {obj({})}).find("TypeError"), std::string::npos);
  EXPECT_NE(call_error(from, undef(), {obj({{"length", str("2")}})}).find("TypeError"), std::string::npos);
}

TEST_F(ArrayBuiltin, FromReadsArrayLikeObjects) {
  Value from = builtin("__arrayFrom");
  EXPECT_EQ(j(call_fn(from, {obj({{"length", num(3)}, {"1", str("b")}})})), R"([null,"b",null])");
  EXPECT_TRUE(as_array(call_fn(from, {obj({{"length", num(2)}})}))->at(0).is_undefined());
  EXPECT_EQ(j(call_fn(from, {obj({{"length", num(-5)}})})), "[]");
  EXPECT_EQ(call_error(from, undef(), {obj({{"length", num(1e12)}})}), "RangeError: Invalid array length");
}

TEST_F(ArrayBuiltin, PushPopShiftUnshift) {
  Value a = nums({1, 2});
  EXPECT_EQ(invoke(a, "push", {num(3), num(4)}).to_double(), 4);
  EXPECT_EQ(invoke(a, "pop", {}).to_double(), 4);
  EXPECT_EQ(invoke(a, "shift", {}).to_double(), 1);
  EXPECT_EQ(invoke(a, "unshift", {num(8), num(9)}).to_double(), 4);
  EXPECT_EQ(j(a), "[8,9,2,3]");
  Value empty = arr({});
  EXPECT_TRUE(invoke(empty, "pop", {}).is_undefined());
  EXPECT_TRUE(invoke(empty, "shift", {}).is_undefined());
  EXPECT_EQ(invoke(empty, "push", {}).to_double(), 0);
}

TEST_F(ArrayBuiltin, PushGrowsPastManyReallocations) {
  Value a = arr({});
  for (int i = 0; i < 1000; ++i) invoke(a, "push", {num(i)});
  EXPECT_EQ(as_array(a)->length_, 1000u);
  EXPECT_EQ(as_array(a)->at(999).to_double(), 999);
}

TEST_F(ArrayBuiltin, SliceAndSplice) {
  Value a = nums({1, 2, 3, 4, 5});
  EXPECT_EQ(j(invoke(a, "slice", {num(1), num(-1)})), "[2,3,4]");
  EXPECT_EQ(j(invoke(a, "slice", {})), "[1,2,3,4,5]");
  EXPECT_EQ(j(invoke(a, "splice", {num(1), num(2)})), "[2,3]");
  EXPECT_EQ(j(a), "[1,4,5]");
  EXPECT_EQ(j(invoke(a, "splice", {num(1), num(0), str("a"), str("b")})), "[]");
  EXPECT_EQ(j(a), R"([1,"a","b",4,5])");
  EXPECT_EQ(j(invoke(a, "splice", {num(-2)})), "[4,5]");
  EXPECT_EQ(j(a), R"([1,"a","b"])");
  EXPECT_EQ(j(invoke(a, "splice", {num(0), num(2), num(9)})), R"([1,"a"])");
  EXPECT_EQ(j(a), R"([9,"b"])");
  EXPECT_EQ(j(invoke(a, "splice", {})), "[]");
  EXPECT_EQ(j(a), R"([9,"b"])");
}

TEST_F(ArrayBuiltin, ConcatFlattensArrayArgumentsOneLevel) {
  Value a = nums({1});
  Value nested = arr({nums({3})});
  EXPECT_EQ(j(invoke(a, "concat", {nums({2}), str("x"), nested})), R"([1,2,"x",[3]])");
  EXPECT_EQ(j(a), "[1]");
}

TEST_F(ArrayBuiltin, SearchingUsesStrictEqualityAndIncludesFindsNaN) {
  Value a = arr({num(1), str("two"), nan(), num(1)});
  EXPECT_EQ(invoke(a, "indexOf", {num(1)}).to_double(), 0);
  EXPECT_EQ(invoke(a, "indexOf", {num(1), num(1)}).to_double(), 3);
  EXPECT_EQ(invoke(a, "indexOf", {str("two")}).to_double(), 1);
  EXPECT_EQ(invoke(a, "indexOf", {nan()}).to_double(), -1);
  EXPECT_EQ(invoke(a, "lastIndexOf", {num(1)}).to_double(), 3);
  EXPECT_EQ(invoke(a, "lastIndexOf", {num(1), num(-2)}).to_double(), 0);
  EXPECT_TRUE(invoke(a, "includes", {nan()}).is_true());
  EXPECT_FALSE(invoke(a, "includes", {str("1")}).is_true());
  EXPECT_TRUE(invoke(arr({num(-0.0)}), "includes", {num(0)}).is_true());
  EXPECT_TRUE(invoke(a, "at", {num(-3)}) == as_array(a)->at(1));
}

TEST_F(ArrayBuiltin, JoinConvertsElementsAndSkipsNullish) {
  Value a = arr({num(1), null(), str("x"), undef(), nums({2, 3}), num(0.5)});
  EXPECT_EQ(utf8(invoke(a, "join", {})), "1,,x,,2,3,0.5");
  EXPECT_EQ(utf8(invoke(a, "join", {str(" - ")})), "1 -  - x -  - 2,3 - 0.5");
  EXPECT_EQ(utf8(invoke(arr({}), "join", {})), "");
  EXPECT_EQ(utf8(invoke(a, "toString", {})), "1,,x,,2,3,0.5");
  EXPECT_NE(invoke_error(a, "join", {num(1)}), "");
}

TEST_F(ArrayBuiltin, JoinOfACycleLeavesTheCycleEmpty) {
  Value a = nums({1});
  Value b = arr({a, num(2)});
  ctx.array_push(as_array(a), b);
  EXPECT_EQ(utf8(invoke(a, "join", {str("-")})), "1-,2");
}

TEST_F(ArrayBuiltin, JoinBeyondTheStringLimitIsRangeError) {
  Value big = invoke(str("x"), "repeat", {num(1 << 20)});
  Value a = call_fn(builtin("Array"), {num(1024)});
  invoke(a, "fill", {big});
  EXPECT_EQ(invoke_error(a, "join", {}), "RangeError: Invalid string length");
}

TEST_F(ArrayBuiltin, ReverseAndFillWorkInPlace) {
  Value a = nums({1, 2, 3});
  EXPECT_EQ(invoke(a, "reverse", {}), a);
  EXPECT_EQ(j(a), "[3,2,1]");
  EXPECT_EQ(invoke(a, "fill", {num(0), num(1)}), a);
  EXPECT_EQ(j(a), "[3,0,0]");
  invoke(a, "fill", {num(7), num(-3), num(-2)});
  EXPECT_EQ(j(a), "[7,0,0]");
}

TEST_F(ArrayBuiltin, ToReversedAndWithCopy) {
  Value a = nums({1, 2, 3});
  EXPECT_EQ(j(invoke(a, "toReversed", {})), "[3,2,1]");
  EXPECT_EQ(j(invoke(a, "with", {num(-1), str("x")})), R"([1,2,"x"])");
  EXPECT_EQ(j(a), "[1,2,3]");
  EXPECT_EQ(invoke_error(a, "with", {num(3), num(0)}), "RangeError: Invalid index : 3");
  EXPECT_EQ(invoke_error(a, "with", {num(-4), num(0)}), "RangeError: Invalid index : -4");
}

TEST_F(ArrayBuiltin, FlatRespectsDepth) {
  Value a = arr({num(1), arr({num(2), arr({num(3), arr({num(4)})})})});
  EXPECT_EQ(j(invoke(a, "flat", {})), "[1,2,[3,[4]]]");
  EXPECT_EQ(j(invoke(a, "flat", {num(2)})), "[1,2,3,[4]]");
  EXPECT_EQ(j(invoke(a, "flat", {inf()})), "[1,2,3,4]");
  EXPECT_EQ(j(invoke(a, "flat", {num(0)})), j(a));
}

TEST_F(ArrayBuiltin, FlatOfACycleWithInfiniteDepthIsRangeError) {
  Value a = nums({1});
  ctx.array_push(as_array(a), a);
  EXPECT_EQ(invoke_error(a, "flat", {inf()}), "RangeError: Maximum call stack size exceeded");
}

TEST_F(ArrayBuiltin, KeysValuesEntriesReturnArrays) {
  Value a = arr({str("a"), str("b")});
  EXPECT_EQ(j(invoke(a, "keys", {})), "[0,1]");
  EXPECT_EQ(j(invoke(a, "values", {})), R"(["a","b"])");
  EXPECT_EQ(j(invoke(a, "entries", {})), R"([[0,"a"],[1,"b"]])");
}

TEST_F(ArrayBuiltin, DefaultSortComparesStringsAndPutsUndefinedLast) {
  Value a = arr({num(10), num(9), undef(), num(1), str("b"), str("a"), null()});
  EXPECT_EQ(call_fn(builtin("__sortDefault"), {a}), a);
  EXPECT_EQ(j(a), R"([1,10,9,"a","b",null,null])");
  EXPECT_TRUE(as_array(a)->at(6).is_undefined());
  EXPECT_TRUE(as_array(a)->at(5).is_null());
}

TEST_F(ArrayBuiltin, DefaultSortIsStable) {
  // Objects all convert to "[object Object]": equal keys keep their order.
  Value a = arr({obj({{"id", num(1)}}), num(5), obj({{"id", num(2)}}), obj({{"id", num(3)}})});
  call_fn(builtin("__sortDefault"), {a});
  EXPECT_EQ(j(a), R"([5,{"id":1},{"id":2},{"id":3}])");
}

TEST_F(ArrayBuiltin, SortDefaultOfANonArrayIsTypeError) {
  EXPECT_EQ(call_error(builtin("__sortDefault"), undef(), {str("ba")}),
            "TypeError: Array.prototype.sort: 'this' must be an array, got string \"ba\"");
}

TEST_F(ArrayBuiltin, FrozenArraysRefuseMutation) {
  Value a = nums({3, 1, 2});
  invoke_static("Object", "freeze", {a});
  EXPECT_EQ(invoke_error(a, "push", {num(4)}), "TypeError: Array.prototype.push: cannot modify a frozen array");
  EXPECT_NE(invoke_error(a, "pop", {}), "");
  EXPECT_NE(call_error(builtin("__sortDefault"), undef(), {a}), "");
  EXPECT_NE(invoke_error(a, "splice", {num(0)}), "");
  EXPECT_EQ(j(invoke(a, "slice", {})), "[3,1,2]");  // reading is fine
  EXPECT_EQ(j(a), "[3,1,2]");
}

TEST_F(ArrayBuiltin, MethodsOnANonArrayAreTypeErrors) {
  Value push = get(arr({}), "push");
  EXPECT_EQ(call_error(push, obj({}), {num(1)}),
            "TypeError: Array.prototype.push: 'this' must be an array, got an object");
  EXPECT_NE(invoke_error(nums({1}), "slice", {str("1")}), "");
  EXPECT_NE(invoke_error(nums({1}), "indexOf", {num(1), str("0")}), "");
}

TEST_F(ArrayBuiltin, ArrayClassUsesTheArrayPrototype) {
  EXPECT_EQ(as_class(builtin("Array"))->prototype_, ctx.array_prototype());
  EXPECT_TRUE(ctx.own_enumerable_keys(ctx.array_prototype()).empty());
}

}  // namespace
}  // namespace raya::vm::testing
