// Object statics and Object.prototype: JavaScript key order, arrays and
// strings exposing index keys, freezing, and refusals for what natives
// cannot do (getters, setters).
#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class ObjectBuiltin : public BuiltinTest {
 protected:
  std::string object_call(std::string_view method, std::initializer_list<Value> args) {
    return json(invoke_static("Object", method, args));
  }
  Value with_getter(std::string_view name) {
    Value o = obj({{"plain", num(1)}});
    define_accessor(o, name, get(builtin("Math"), "random"));
    return o;
  }
};

TEST_F(ObjectBuiltin, KeysValuesEntriesListOwnEnumerableProperties) {
  Value o = obj({{"a", num(1)}, {"b", str("x")}});
  ctx.define_own_property(as_object(o), ctx.intern_ascii("hidden"), num(3), 0);
  EXPECT_EQ(object_call("keys", {o}), R"(["a","b"])");
  EXPECT_EQ(object_call("values", {o}), R"([1,"x"])");
  EXPECT_EQ(object_call("entries", {o}), R"([["a",1],["b","x"]])");
}

TEST_F(ObjectBuiltin, IntegerKeysComeFirstInAscendingOrder) {
  Value o = obj({{"b", num(1)}, {"10", num(2)}, {"2", num(3)}, {"a", num(4)}, {"01", num(5)}});
  EXPECT_EQ(object_call("keys", {o}), R"(["2","10","b","a","01"])");
}

TEST_F(ObjectBuiltin, ArraysAndStringsHaveIndexKeys) {
  EXPECT_EQ(object_call("keys", {arr({str("a"), str("b")})}), R"(["0","1"])");
  EXPECT_EQ(object_call("entries", {arr({str("a")})}), R"([["0","a"]])");
  EXPECT_EQ(object_call("values", {str("hi")}), R"(["h","i"])");
  EXPECT_EQ(object_call("keys", {num(5)}), "[]");
}

TEST_F(ObjectBuiltin, NullishArgumentIsTypeError) {
  EXPECT_EQ(static_error("Object", "keys", {null()}), "TypeError: Object.keys: cannot convert null to object");
  EXPECT_EQ(static_error("Object", "values", {}), "TypeError: Object.values: cannot convert undefined to object");
}

TEST_F(ObjectBuiltin, GettersCannotBeReadByNatives) {
  Value o = with_getter("g");
  EXPECT_EQ(object_call("keys", {o}), R"(["plain","g"])");
  EXPECT_EQ(static_error("Object", "values", {o}),
            "TypeError: Object.values: property 'g' is a getter/setter, which builtins cannot call");
  EXPECT_NE(static_error("Object", "assign", {obj({}), o}), "");
}

TEST_F(ObjectBuiltin, AssignCopiesOwnEnumerablePropertiesInOrder) {
  Value target = obj({{"a", num(1)}});
  Value result = invoke_static("Object", "assign", {target, obj({{"b", num(2)}}), null(), obj({{"a", num(3)}})});
  EXPECT_EQ(result, target);
  EXPECT_EQ(json(target), R"({"a":3,"b":2})");
  invoke_static("Object", "assign", {target, arr({str("x")})});
  EXPECT_EQ(json(target), R"({"0":"x","a":3,"b":2})");
}

TEST_F(ObjectBuiltin, AssignKeepsANonEnumerableTargetPropertyHidden) {
  Value target = obj({});
  ctx.define_own_property(as_object(target), ctx.intern_ascii("h"), num(1), 0);
  invoke_static("Object", "assign", {target, obj({{"h", num(2)}})});
  EXPECT_EQ(json(target), "{}");
  EXPECT_EQ(get(target, "h").to_double(), 2);
}

TEST_F(ObjectBuiltin, AssignRejectsBadTargets) {
  EXPECT_NE(static_error("Object", "assign", {num(1), obj({})}).find("TypeError"), std::string::npos);
  EXPECT_NE(static_error("Object", "assign", {null()}).find("TypeError"), std::string::npos);
  Value frozen = obj({});
  invoke_static("Object", "freeze", {frozen});
  EXPECT_EQ(static_error("Object", "assign", {frozen, obj({{"x", num(1)}})}),
            "TypeError: Object.assign: cannot assign to property 'x' of a frozen object");
}

TEST_F(ObjectBuiltin, FreezeSetsTheFlagAndReturnsItsArgument) {
  Value o = obj({{"a", num(1)}});
  EXPECT_FALSE(invoke_static("Object", "isFrozen", {o}).is_true());
  EXPECT_EQ(invoke_static("Object", "freeze", {o}), o);
  EXPECT_TRUE(as_object(o)->is_frozen());
  EXPECT_TRUE(invoke_static("Object", "isFrozen", {o}).is_true());
  EXPECT_TRUE(invoke_static("Object", "isFrozen", {num(1)}).is_true());
  EXPECT_EQ(invoke_static("Object", "freeze", {num(5)}).to_double(), 5);
}

TEST_F(ObjectBuiltin, FromEntriesBuildsAnObject) {
  Value entries = arr({arr({str("a"), num(1)}), arr({num(2), str("b")})});
  EXPECT_EQ(object_call("fromEntries", {entries}), R"({"2":"b","a":1})");
  Value map = keep(Value::object(ctx.new_map(false)));
  as_map(map)->table_.set(str("k"), boolean(true));
  EXPECT_EQ(object_call("fromEntries", {map}), R"({"k":true})");
  EXPECT_NE(static_error("Object", "fromEntries", {arr({num(1)})}).find("not an entry object"), std::string::npos);
  EXPECT_NE(static_error("Object", "fromEntries", {num(1)}), "");
}

TEST_F(ObjectBuiltin, GetPrototypeOfAndCreate) {
  EXPECT_EQ(invoke_static("Object", "getPrototypeOf", {obj({})}), Value::object(ctx.object_prototype()));
  EXPECT_EQ(invoke_static("Object", "getPrototypeOf", {arr({})}), Value::object(ctx.array_prototype()));
  Value bare = invoke_static("Object", "create", {null()});
  EXPECT_TRUE(invoke_static("Object", "getPrototypeOf", {bare}).is_null());
  Value proto = obj({{"x", num(1)}});
  Value child = invoke_static("Object", "create", {proto});
  EXPECT_EQ(get(child, "x").to_double(), 1);
  EXPECT_NE(static_error("Object", "create", {num(1)}), "");
}

TEST_F(ObjectBuiltin, HasOwnPropertyIgnoresInheritedProperties) {
  Value proto = obj({{"inherited", num(1)}});
  Value child = invoke_static("Object", "create", {proto});
  ctx.define_own_property(as_object(child), ctx.intern_ascii("own"), num(2));
  EXPECT_TRUE(invoke(child, "hasOwnProperty", {str("own")}).is_true());
  EXPECT_FALSE(invoke(child, "hasOwnProperty", {str("inherited")}).is_true());
  EXPECT_FALSE(invoke(obj({}), "hasOwnProperty", {str("toString")}).is_true());
  Value a = arr({num(1)});
  Value has_own = get(obj({}), "hasOwnProperty");
  EXPECT_TRUE(call_on(has_own, a, {num(0)}).is_true());
  EXPECT_FALSE(call_on(has_own, a, {num(1)}).is_true());
  EXPECT_TRUE(call_on(has_own, a, {str("length")}).is_true());
  EXPECT_NE(invoke_error(obj({}), "hasOwnProperty", {obj({})}), "");
}

TEST_F(ObjectBuiltin, ToStringNamesTheKind) {
  EXPECT_EQ(utf8(invoke(obj({}), "toString", {})), "[object Object]");
  Value to_string = get(obj({}), "toString");
  EXPECT_EQ(utf8(call_on(to_string, arr({}), {})), "[object Array]");
  EXPECT_EQ(utf8(call_on(to_string, null(), {})), "[object Null]");
}

TEST_F(ObjectBuiltin, ObjectCallGivesObjectsAndRefusesPrimitives) {
  Value o = obj({});
  EXPECT_EQ(call_fn(builtin("Object"), {o}), o);
  EXPECT_TRUE(is_plain_object(call_fn(builtin("Object"), {})));
  EXPECT_NE(call_error(builtin("Object"), undef(), {num(1)}), "");
}

}  // namespace
}  // namespace raya::vm::testing
