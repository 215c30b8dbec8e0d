// install_builtins as a whole: every global the compiler may resolve exists,
// builtin classes are callable natives on the core prototypes, and methods
// do not show up as enumerable properties.
#include "tests/vmcore/builtins/builtin_test_support.hpp"
#include "vmcore/builtins/builtin_names.hpp"

namespace raya::vm::testing {
namespace {

class BuiltinInstall : public BuiltinTest {};

TEST_F(BuiltinInstall, EveryBuiltinNameTheCompilerKnowsIsDefined) {
  for (std::string_view name : kBuiltinNames) {
    Value v;
    EXPECT_TRUE(ctx.lookup_builtin(name, v)) << name;
  }
  for (std::string_view name : kPreludeBuiltinNames) {
    Value v;
    EXPECT_TRUE(ctx.lookup_builtin(name, v)) << name;
    EXPECT_TRUE(is_native(v)) << name;
  }
}

TEST_F(BuiltinInstall, BuiltinClassesHaveNativeConstructorsOnTheCorePrototypes) {
  struct Expect {
    const char* name;
    Object* prototype;
  };
  for (const Expect& e : {Expect{"Object", ctx.object_prototype()}, Expect{"Array", ctx.array_prototype()},
                          Expect{"String", ctx.string_prototype()}, Expect{"Number", ctx.number_prototype()},
                          Expect{"Boolean", ctx.boolean_prototype()}, Expect{"Map", ctx.map_prototype()},
                          Expect{"Set", ctx.set_prototype()}}) {
    Value cls = builtin(e.name);
    ASSERT_TRUE(is_class(cls)) << e.name;
    EXPECT_TRUE(is_native(as_class(cls)->constructor_)) << e.name;
    EXPECT_TRUE(as_native(as_class(cls)->constructor_)->is_constructor_) << e.name;
    EXPECT_EQ(as_class(cls)->prototype_, e.prototype) << e.name;
    EXPECT_EQ(as_class(cls)->instance_shape_->proto_, e.prototype) << e.name;
    EXPECT_EQ(get(Value::object(e.prototype), "constructor"), cls) << e.name;
  }
}

TEST_F(BuiltinInstall, PrototypeMethodsAreNotEnumerable) {
  for (Object* proto : {ctx.object_prototype(), ctx.array_prototype(), ctx.string_prototype(), ctx.number_prototype(),
                        ctx.boolean_prototype(), ctx.map_prototype(), ctx.set_prototype()})
    EXPECT_TRUE(ctx.own_enumerable_keys(proto).empty());
  for (const char* ns : {"Math", "JSON", "console", "Number", "Object", "Array"})
    EXPECT_TRUE(ctx.own_enumerable_keys(as_object(builtin(ns))).empty()) << ns;
}

TEST_F(BuiltinInstall, ErrorsConvertToNameAndMessage) {
  Value error = keep(ctx.make_error(ErrorType::TypeError, "bad thing"));
  EXPECT_EQ(utf8(invoke(error, "toString", {})), "TypeError: bad thing");
  Value bare = keep(Value::object(ctx.new_object(ctx.error_class(ErrorType::RangeError)->prototype_)));
  EXPECT_EQ(utf8(invoke(bare, "toString", {})), "RangeError");
  Value to_string = get(error, "toString");
  EXPECT_EQ(call_error(to_string, num(1), {}),
            "TypeError: Error.prototype.toString: 'this' must be an object, got number 1");
}

}  // namespace
}  // namespace raya::vm::testing
