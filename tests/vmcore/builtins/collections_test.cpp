// Map and Set: construction from iterables, SameValueZero keys, insertion
// order, keys/values/entries as arrays, memory charged as tables grow.
#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class MapBuiltin : public BuiltinTest {
 protected:
  // `new Map(...)`: `this` is whatever object `new` allocated.
  Value new_map(std::initializer_list<Value> args) { return call_on(builtin("Map"), obj({}), args); }
  Value new_set(std::initializer_list<Value> args) { return call_on(builtin("Set"), obj({}), args); }
};

TEST_F(MapBuiltin, NewMapIsEmptyAndUsesTheMapPrototype) {
  Value m = new_map({});
  ASSERT_TRUE(is_map(m));
  EXPECT_EQ(as_map(m)->table_.size(), 0u);
  EXPECT_EQ(as_class(builtin("Map"))->prototype_, ctx.map_prototype());
  EXPECT_EQ(ctx.prototype_for(m), ctx.map_prototype());
}

TEST_F(MapBuiltin, SetGetHasDelete) {
  Value m = new_map({});
  EXPECT_EQ(invoke(m, "set", {str("a"), num(1)}), m);
  invoke(m, "set", {num(1), str("one")});
  EXPECT_EQ(invoke(m, "get", {str("a")}).to_double(), 1);
  EXPECT_TRUE(invoke(m, "get", {str("zz")}).is_undefined());
  EXPECT_TRUE(invoke(m, "has", {num(1.0)}).is_true());
  EXPECT_FALSE(invoke(m, "has", {str("1")}).is_true());
  EXPECT_TRUE(invoke(m, "delete", {str("a")}).is_true());
  EXPECT_FALSE(invoke(m, "delete", {str("a")}).is_true());
  EXPECT_EQ(as_map(m)->table_.size(), 1u);
  invoke(m, "clear", {});
  EXPECT_EQ(as_map(m)->table_.size(), 0u);
}

TEST_F(MapBuiltin, KeysUseSameValueZero) {
  Value m = new_map({});
  invoke(m, "set", {nan(), str("nan")});
  invoke(m, "set", {num(-0.0), str("zero")});
  EXPECT_EQ(utf8(invoke(m, "get", {nan()})), "nan");
  EXPECT_EQ(utf8(invoke(m, "get", {num(0)})), "zero");
  // Strings compare by content, objects by identity.
  invoke(m, "set", {str("k"), num(1)});
  EXPECT_EQ(invoke(m, "get", {str("k")}).to_double(), 1);
  invoke(m, "set", {obj({}), num(2)});
  EXPECT_TRUE(invoke(m, "get", {obj({})}).is_undefined());
}

TEST_F(MapBuiltin, KeysValuesEntriesAreArraysInInsertionOrder) {
  Value m = new_map({arr({arr({str("b"), num(1)}), arr({str("a"), num(2)})})});
  invoke(m, "set", {str("b"), num(3)});  // overwriting keeps the position
  EXPECT_EQ(json(invoke(m, "keys", {})), R"(["b","a"])");
  EXPECT_EQ(json(invoke(m, "values", {})), "[3,2]");
  EXPECT_EQ(json(invoke(m, "entries", {})), R"([["b",3],["a",2]])");
}

TEST_F(MapBuiltin, ConstructsFromAnotherMap) {
  Value m = new_map({arr({arr({num(1), num(2)})})});
  Value copy = new_map({m});
  EXPECT_NE(copy, m);
  EXPECT_EQ(json(invoke(copy, "entries", {})), "[[1,2]]");
}

TEST_F(MapBuiltin, BadConstructorArgumentsAreTypeErrors) {
  EXPECT_NE(call_error(builtin("Map"), obj({}), {arr({num(1)})}).find("is not an entry object"), std::string::npos);
  EXPECT_NE(call_error(builtin("Map"), obj({}), {num(5)}).find("is not iterable"), std::string::npos);
  EXPECT_EQ(call_error(builtin("Map"), undef(), {}), "TypeError: Constructor Map requires 'new'");
  EXPECT_EQ(call_error(builtin("Set"), undef(), {}), "TypeError: Constructor Set requires 'new'");
}

TEST_F(MapBuiltin, MethodsCheckTheReceiver) {
  Value set_get = get(new_map({}), "get");
  EXPECT_EQ(call_error(set_get, new_set({}), {num(1)}), "TypeError: Map.prototype.get: 'this' must be a Map, got a Set");
  Value add = get(new_set({}), "add");
  EXPECT_NE(call_error(add, new_map({}), {num(1)}), "");
}

TEST_F(MapBuiltin, SetAddsUniqueValues) {
  Value s = new_set({arr({num(1), num(2), num(1), nan(), nan()})});
  EXPECT_EQ(as_map(s)->table_.size(), 3u);
  EXPECT_EQ(invoke(s, "add", {num(3)}), s);
  EXPECT_TRUE(invoke(s, "has", {num(3)}).is_true());
  EXPECT_TRUE(invoke(s, "delete", {num(1)}).is_true());
  EXPECT_EQ(json(invoke(s, "values", {})), "[2,null,3]");
  EXPECT_EQ(json(invoke(s, "keys", {})), "[2,null,3]");
  EXPECT_EQ(json(invoke(s, "entries", {})), "[[2,2],[null,null],[3,3]]");
}

TEST_F(MapBuiltin, SetConstructsFromStringsSetsAndMaps) {
  EXPECT_EQ(json(invoke(new_set({str("a😀a")}), "values", {})), R"(["a","😀"])");
  Value s = new_set({arr({num(1), num(2)})});
  EXPECT_EQ(json(invoke(new_set({s}), "values", {})), "[1,2]");
  Value m = new_map({arr({arr({str("k"), num(1)})})});
  EXPECT_EQ(json(invoke(new_set({m}), "values", {})), R"([["k",1]])");
  EXPECT_NE(call_error(builtin("Set"), obj({}), {num(1)}).find("is not iterable"), std::string::npos);
}

TEST_F(MapBuiltin, GrowingTablesAreChargedToTheHeap) {
  Value m = new_map({});
  uint64_t before = ctx.heap().bytes_used();
  for (int i = 0; i < 1000; ++i) invoke(m, "set", {num(i), num(i)});
  EXPECT_GT(as_map(m)->charged_, 1000u * sizeof(OrderedTable::Entry) / 2);
  EXPECT_GE(ctx.heap().bytes_used(), before + as_map(m)->charged_ / 2);
  EXPECT_EQ(as_map(m)->charged_, as_map(m)->table_.footprint());
}

TEST_F(MapBuiltin, SizeIsNotDefinedByNatives) {
  // `.size` is special-cased by the interpreter.
  EXPECT_TRUE(get(new_map({}), "size").is_undefined());
}

}  // namespace
}  // namespace raya::vm::testing
