#include "vmcore/compiler/parser.hpp"

#include "tests/small_stack.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace raya::vm::compiler;

namespace {

// The S-expression dump of a program that must parse without errors.
std::string parse(const std::string& text) {
  auto result = parse_program("t.raya", text);
  if (!result.ok()) {
    ADD_FAILURE() << "unexpected errors in:\n" << text << "\n" << result.error().render_diagnostics();
    return "";
  }
  return dump_program(**result);
}

std::vector<raya::messages::Diagnostic> errors(const std::string& text) {
  auto result = parse_program("t.raya", text);
  if (result.ok()) return {};
  return result.error().diagnostics;
}

// "LINE:COL: message" of the first error, or "" if the text parses.
std::string first_error(const std::string& text) {
  auto diags = errors(text);
  if (diags.empty()) return "";
  const auto& d = diags.front();
  return std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
}

}  // namespace

// ---------------------------------------------------------------------------
// Declarations

TEST(Parser, ParsesLetAndConstWithSeveralDeclarators) {
  EXPECT_EQ(parse("let x = 1, y; const z = 'a';"), "(let x=1 y)\n(const z=\"a\")");
}

TEST(Parser, RejectsVarWithAHelpfulMessage) {
  EXPECT_EQ(first_error("var x = 1;"), "1:1: var is not supported; use let or const");
}

TEST(Parser, RequiresInitializersForConstAndDestructuring) {
  EXPECT_EQ(first_error("const x;"), "1:7: const 'x' must be initialized");
  EXPECT_EQ(first_error("let {a};"), "1:5: a destructuring declaration needs an initializer");
}

TEST(Parser, ParsesObjectAndArrayDestructuringDeclarations) {
  EXPECT_EQ(parse("const {a, b: c = 1, [k]: d, ...rest} = o;"), "(const {a b:c=1 [k]:d ...rest}=o)");
  EXPECT_EQ(parse("const [x, , y = 2, ...tail] = arr;"), "(const [x _ y=2 ...tail]=arr)");
  EXPECT_EQ(parse("let [a, [b, {c}] = []] = v;"), "(let [a [b {c}]=(array)]=v)");
}

TEST(Parser, ParsesFunctionDeclarationsWithAllParameterForms) {
  EXPECT_EQ(parse("function f(a, b = 1, {c, d}, [e], ...rest) { return a; }"),
            "(function f (a b=1 {c d} [e] ...rest) (return a))");
  EXPECT_EQ(parse("async function g(x?: number) { await x; }"), "(function async g (x?) (await x))");
}

TEST(Parser, MarksFunctionKindsAndAsyncFlags) {
  auto result = parse_program("t.raya", "async function f() {} const g = async () => 1;");
  ASSERT_TRUE(result.ok());
  const Program& program = **result;
  const auto& f = program.body[0]->as<FunctionDeclStmt>();
  EXPECT_TRUE(f.function->is_async);
  EXPECT_EQ(f.function->kind, FunctionKind::Normal);
  const auto& decl = program.body[1]->as<VarDeclStmt>();
  const auto& arrow = decl.declarators[0].init->as<ArrowFunctionExpr>();
  EXPECT_EQ(arrow.function->kind, FunctionKind::Arrow);
  EXPECT_TRUE(arrow.function->is_async);
  ASSERT_TRUE(arrow.function->expression_body);
  EXPECT_TRUE(arrow.function->body.empty());
}

TEST(Parser, ParsesClassesWithEveryMemberKind) {
  EXPECT_EQ(parse("class A extends B {\n"
                  "  x = 1; y; static z = 2;\n"
                  "  constructor(a) { super(a); }\n"
                  "  m() { return super.m(); }\n"
                  "  get v() { return this.x; }\n"
                  "  set v(n) { this.x = n; }\n"
                  "  static s() {} static get sg() { return 1; }\n"
                  "  async am() {} 'quoted'() {} [key]() {}\n"
                  "}"),
            "(class A (extends B) (field x 1) (field y) (field static z 2) "
            "(constructor constructor (a) (call super a)) "
            "(method m () (return (call (. super m)))) "
            "(get v () (return (. this x))) (set v (n) (= (. this x) n)) "
            "(static method s ()) (static get sg () (return 1)) "
            "(method async am ()) (method quoted ()) (method ()))");
}

TEST(Parser, DropsTypeScriptClassModifiersAndAbstractMembers) {
  EXPECT_EQ(parse("abstract class A<T> extends B<T> implements C, D<E> {\n"
                  "  private readonly a: number = 1;\n"
                  "  protected static b?: string;\n"
                  "  declare c: number;\n"
                  "  public abstract m(): void;\n"
                  "  override n(): void {}\n"
                  "  [key: string]: any;\n"
                  "  o(x: string): void;\n"
                  "  o(x: any) {}\n"
                  "}"),
            "(class A (extends B) (field a 1) (field static b) (method n ()) (method o (x)))");
}

TEST(Parser, ParsesConstructorParameterProperties) {
  auto result = parse_program("t.raya", "class P { constructor(private a: number, public readonly b = 2) {} }");
  ASSERT_TRUE(result.ok());
  const auto& klass = *(*result)->body[0]->as<ClassDeclStmt>().klass;
  const auto& params = klass.members[0].function->params;
  ASSERT_EQ(params.size(), 2u);
  EXPECT_TRUE(params[0].is_parameter_property);
  EXPECT_TRUE(params[1].is_parameter_property);
  EXPECT_TRUE(params[1].default_value);
  EXPECT_EQ(first_error("function f(private x) {}"),
            "1:12: parameter properties (public/private/readonly x) are only allowed in constructors");
}

TEST(Parser, ParsesClassExpressions) {
  EXPECT_EQ(parse("const C = class extends Base { m() {} };"),
            "(const C=(class (extends Base) (method m ())))");
}

TEST(Parser, ParsesEnumsAndFoldsTheirValues) {
  EXPECT_EQ(parse("enum E { A, B = 5, C, D = 'x', 'E' = -2, F }"),
            "(enum E A=0 B=5 C=6 D=\"x\" E=-2 F=-1)");
  EXPECT_EQ(parse("const enum K { A = 1 << 2, B = A }"), "(const-enum K A=(eval (<< 1 2)) B=(eval A))");
  EXPECT_EQ(first_error("enum S { A = 'a', B }"),
            "1:19: enum member 'B' needs an initializer because the previous member is not a number");
}

// ---------------------------------------------------------------------------
// Modules

TEST(Parser, ParsesEveryImportForm) {
  EXPECT_EQ(parse("import { a, b as c } from './lib.raya';\n"
                  "import * as m from './m.raya';\n"
                  "import d from './d.raya';\n"
                  "import e, { f } from 'host:';\n"
                  "import g, * as h from 'raya:vm';\n"
                  "import { sleep } from \"raya:task\";\n"
                  "import './side.raya';"),
            "(import \"./lib.raya\" a b:c)\n(import \"./m.raya\" *:m)\n(import \"./d.raya\" default:d)\n"
            "(import \"host:\" default:e f)\n(import \"raya:vm\" default:g *:h)\n"
            "(import \"raya:task\" sleep)\n(import \"./side.raya\")");
}

TEST(Parser, DropsTypeOnlyImportsAndExports) {
  EXPECT_EQ(parse("import type { T } from './t';\nimport { type U, v } from './u';\n"
                  "export type { T };\nexport type X = number;\nexport interface I {}"),
            "(import \"./u\" v)");
}

TEST(Parser, ParsesEveryExportForm) {
  EXPECT_EQ(parse("export const a = 1;\n"
                  "export function f() {}\n"
                  "export class C {}\n"
                  "export enum E { A }\n"
                  "export { a as b, f };\n"
                  "export { x } from './x';\n"
                  "export * from './y';\n"
                  "export * as ns from './z';"),
            "(export (const a=1))\n(export (function f ()))\n(export (class C))\n(export (enum E A=0))\n"
            "(export-named a:b f)\n(export-named x from \"./x\")\n(export-named * from \"./y\")\n"
            "(export-named *:ns from \"./z\")");
}

TEST(Parser, ParsesExportDefaultForms) {
  EXPECT_EQ(parse("export default 1 + 2;"), "(export-default (+ 1 2))");
  EXPECT_EQ(parse("export default function main() {}"), "(export-default (function main ()))");
  EXPECT_EQ(parse("export default async function () {}"), "(export-default (function async ()))");
  EXPECT_EQ(parse("export default class {}"), "(export-default (class))");
  auto result = parse_program("t.raya", "export default function main() {}");
  ASSERT_TRUE(result.ok());
  const auto& ex = (*result)->body[0]->as<ExportDefaultStmt>();
  EXPECT_TRUE(ex.declaration);
  EXPECT_FALSE(ex.expr);
}

TEST(Parser, RejectsImportAndExportInsideBlocks) {
  EXPECT_EQ(first_error("{ import x from './x'; }"),
            "1:3: import declarations may only appear at the top level of a module");
  EXPECT_EQ(first_error("function f() { export const a = 1; }"),
            "1:16: export declarations may only appear at the top level of a module");
}

// ---------------------------------------------------------------------------
// Expressions

TEST(Parser, RespectsOperatorPrecedenceAndAssociativity) {
  EXPECT_EQ(parse("a + b * c - d;"), "(- (+ a (* b c)) d)");
  EXPECT_EQ(parse("2 ** 3 ** 2;"), "(** 2 (** 3 2))");
  EXPECT_EQ(parse("a || b && c ?? d;"), "(?? (|| a (&& b c)) d)");
  EXPECT_EQ(parse("a | b ^ c & d;"), "(| a (^ b (& c d)))");
  EXPECT_EQ(parse("a == b < c << d;"), "(== a (< b (<< c d)))");
  EXPECT_EQ(parse("a = b = c;"), "(= a (= b c))");
  EXPECT_EQ(parse("a ? b : c ? d : e;"), "(? a b (? c d e))");
  EXPECT_EQ(parse("x in o && o instanceof C;"), "(&& (in x o) (instanceof o C))");
}

TEST(Parser, RejectsUnaryOperatorBeforeExponent) {
  EXPECT_EQ(first_error("let x = -a ** 2;"),
            "1:12: a unary operator before '**' needs parentheses, e.g. (-x) ** 2");
  EXPECT_EQ(parse("let x = (-a) ** 2;"), "(let x=(** (- a) 2))");
}

TEST(Parser, ParsesUnaryAndUpdateExpressions) {
  EXPECT_EQ(parse("-a; +b; !c; ~d; typeof e; void 0; delete o.p;"),
            "(- a)\n(+ b)\n(! c)\n(~ d)\n(typeof e)\n(void 0)\n(delete (. o p))");
  EXPECT_EQ(parse("++a; a--; --o.x; o[i]++;"), "(++pre a)\n(post-- a)\n(--pre (. o x))\n(post++ ([] o i))");
  EXPECT_EQ(first_error("++f();"), "1:3: invalid operand for '++'");
}

TEST(Parser, ParsesEveryAssignmentOperator) {
  EXPECT_EQ(parse("a += 1; a -= 1; a *= 1; a /= 1; a %= 1; a **= 1; a <<= 1; a >>= 1; a >>>= 1;"),
            "(+= a 1)\n(-= a 1)\n(*= a 1)\n(/= a 1)\n(%= a 1)\n(**= a 1)\n(<<= a 1)\n(>>= a 1)\n(>>>= a 1)");
  EXPECT_EQ(parse("a &= 1; a |= 1; a ^= 1; a &&= 1; a ||= 1; a ?\?= 1; o.p = 1;"),
            "(&= a 1)\n(|= a 1)\n(^= a 1)\n(&&= a 1)\n(||= a 1)\n(?\?= a 1)\n(= (. o p) 1)");
}

TEST(Parser, RejectsInvalidAssignmentTargets) {
  EXPECT_EQ(first_error("f() = 1;"), "1:1: invalid assignment target");
  EXPECT_EQ(first_error("a?.b = 1;"), "1:1: invalid assignment target");
  EXPECT_EQ(first_error("1 += 2;"), "1:1: invalid assignment target");
}

TEST(Parser, ParsesDestructuringAssignment) {
  EXPECT_EQ(parse("[a, b] = [b, a];"), "(= [a b] (array b a))");
  EXPECT_EQ(parse("({a, b: o.c = 1, ...r} = obj);"), "(= {a b:(. o c)=1 ...r} obj)");
  EXPECT_EQ(parse("[o.x, o[0], [y], ...z] = v;"), "(= [(. o x) ([] o 0) [y] ...z] v)");
  EXPECT_EQ(parse("x = [a, b] = arr;"), "(= x (= [a b] arr))");
}

TEST(Parser, ParsesCallsNewAndMembers) {
  EXPECT_EQ(parse("f(1, ...xs, 2);"), "(call f 1 (spread xs) 2)");
  EXPECT_EQ(parse("new C(1).m()[k];"), "([] (call (. (new C 1) m)) k)");
  EXPECT_EQ(parse("new C;"), "(new C)");
  EXPECT_EQ(parse("new a.b.C(x);"), "(new (. (. a b) C) x)");
  EXPECT_EQ(parse("new new C()();"), "(new (new C))");
  EXPECT_EQ(parse("o.if.default.class;"), "(. (. (. o if) default) class)");
}

TEST(Parser, WrapsOptionalChainsSoTheWholeChainShortCircuits) {
  EXPECT_EQ(parse("a?.b.c();"), "(chain (call (. (?. a b) c)))");
  EXPECT_EQ(parse("a?.[i]?.(x);"), "(chain (call?. (?.[] a i) x))");
  EXPECT_EQ(parse("(a?.b).c;"), "(. (chain (?. a b)) c)");
  EXPECT_EQ(parse("f?.();"), "(chain (call?. f))");
  EXPECT_EQ(parse("a?.5:1;"), "(? a 0.5 1)");
}

TEST(Parser, ParsesSuperOnlyAsCallOrMember) {
  EXPECT_EQ(parse("class A extends B { m() { super.m(); super['x']; } }"),
            "(class A (extends B) (method m () (call (. super m)) ([] super \"x\")))");
  EXPECT_EQ(first_error("class A extends B { m() { return super; } }"),
            "1:34: 'super' must be followed by an argument list or a member access");
}

TEST(Parser, ParsesArrayAndObjectLiterals) {
  EXPECT_EQ(parse("[1, ...a, 'x', ];"), "(array 1 (spread a) \"x\")");
  EXPECT_EQ(parse("({ a, b: 1, [c]: 2, 'd': 3, 4: 5, ...e, if: 6 });"),
            "(object a b:1 [c]:2 \"d\":3 4:5 (spread e) if:6)");
  EXPECT_EQ(parse("({ m() {}, get g() { return 1; }, set s(v) {}, async am() {}, get: 1, set() {} });"),
            "(object m:(method m ()) g:(get g () (return 1)) s:(set s (v)) am:(method async am ()) "
            "get:1 set:(method set ()))");
  EXPECT_EQ(first_error("[1, , 2];"), "1:5: empty array elements (holes) are not supported; write undefined");
  EXPECT_EQ(first_error("x = {a = 1};"), "1:8: '=' in an object literal is only allowed when destructuring");
}

TEST(Parser, KeepsObjectPropertyKeyKinds) {
  auto result = parse_program("t.raya", "({ a: 1, 'b': 2, 3: 3, [d]: 4 });");
  ASSERT_TRUE(result.ok());
  const auto& object = (*result)->body[0]->as<ExprStmt>().expr->as<ObjectExpr>();
  EXPECT_EQ(object.properties[0].key.kind, PropertyKeyKind::Identifier);
  EXPECT_EQ(object.properties[0].key.string_value, u"a");
  EXPECT_EQ(object.properties[1].key.kind, PropertyKeyKind::String);
  EXPECT_EQ(object.properties[2].key.kind, PropertyKeyKind::Number);
  EXPECT_EQ(object.properties[2].key.number_value, 3);
  EXPECT_EQ(object.properties[3].key.kind, PropertyKeyKind::Computed);
}

TEST(Parser, ParsesTemplateLiteralsWithNesting) {
  EXPECT_EQ(parse("`a${b}c${`n${d}`}e`;"), "(template \"a\" b \"c\" (template \"n\" d \"\") \"e\")");
  EXPECT_EQ(parse("`plain`;"), "(template \"plain\")");
  EXPECT_EQ(parse("`${ {a: 1}.a }`;"), "(template \"\" (. (object a:1) a) \"\")");
  EXPECT_EQ(first_error("tag`x`;"), "1:4: tagged templates are not supported");
}

TEST(Parser, KeepsStringValuesAsUtf16) {
  auto result = parse_program("t.raya", "'\\u{1F600}é';");
  ASSERT_TRUE(result.ok());
  const auto& s = (*result)->body[0]->as<ExprStmt>().expr->as<StringExpr>();
  EXPECT_EQ(s.value, u"\U0001F600é");
}

TEST(Parser, ParsesArrowFunctionsInEveryShape) {
  EXPECT_EQ(parse("x => x + 1;"), "(arrow (x) (+ x 1))");
  EXPECT_EQ(parse("(a, b = 2, ...c) => { return a; };"), "(arrow (a b=2 ...c) (return a))");
  EXPECT_EQ(parse("() => ({});"), "(arrow () (object))");
  EXPECT_EQ(parse("({a}, [b]) => a;"), "(arrow ({a} [b]) a)");
  EXPECT_EQ(parse("async x => await x;"), "(arrow async (x) (await x))");
  EXPECT_EQ(parse("async (x) => x;"), "(arrow async (x) x)");
  EXPECT_EQ(parse("async(x);"), "(call async x)");
  EXPECT_EQ(parse("f(a => a, (b) => b);"), "(call f (arrow (a) a) (arrow (b) b))");
  EXPECT_EQ(parse("a => b => c;"), "(arrow (a) (arrow (b) c))");
}

TEST(Parser, ParsesTypedAndGenericArrowFunctions) {
  EXPECT_EQ(parse("(a: number, b?: string): number => a;"), "(arrow (a b?) a)");
  EXPECT_EQ(parse("<T>(x: T) => x;"), "(arrow (x) x)");
  EXPECT_EQ(parse("<T,>(x: T): T[] => [x];"), "(arrow (x) (array x))");
  EXPECT_EQ(parse("async <T>(x: T): Promise<T> => x;"), "(arrow async (x) x)");
  EXPECT_EQ(parse("(x): x is string => true;"), "(arrow (x) true)");
}

TEST(Parser, TellsArrowsFromParenthesesAndConditionals) {
  EXPECT_EQ(parse("(a, b);"), "(seq a b)");
  EXPECT_EQ(parse("(a);"), "a");
  EXPECT_EQ(parse("c ? (a) : b;"), "(? c a b)");
  EXPECT_EQ(parse("c ? (a): T => a : b;"), "(? c (arrow (a) a) b)");
  EXPECT_EQ(parse("(a = (b) => b) => a;"), "(arrow (a=(arrow (b) b)) a)");
}

TEST(Parser, ParsesFunctionAndClassExpressions) {
  EXPECT_EQ(parse("const f = function named(a) { return a; };"),
            "(const f=(function named (a) (return a)))");
  EXPECT_EQ(parse("const g = async function () {};"), "(const g=(function async ()))");
}

TEST(Parser, ParsesAwaitAndSequence) {
  EXPECT_EQ(parse("await f(); await [a, b];"), "(await (call f))\n(await (array a b))");
  EXPECT_EQ(parse("for (i = 0, j = 1; ; i++, j++) {}"),
            "(for (seq (= i 0) (= j 1)) _ (seq (post++ i) (post++ j)) (block))");
}

// ---------------------------------------------------------------------------
// TypeScript syntax is consumed and dropped

TEST(Parser, DropsTypeAnnotationsEverywhere) {
  EXPECT_EQ(parse("let x: number = 1; let y: Array<Map<string, number[]>> = [];"),
            "(let x=1)\n(let y=(array))");
  EXPECT_EQ(parse("function f<T extends U = V, K>(a: T, b: K[]): Promise<void> {}"),
            "(function f (a b))");
  EXPECT_EQ(parse("let x!: number;"), "(let x)");
  EXPECT_EQ(parse("try {} catch (e: unknown) {}"), "(try (block) (catch e (block)))");
}

TEST(Parser, DropsTypeAliasesAndInterfaces) {
  EXPECT_EQ(parse("type A = string | number;\n"
                  "type B<T> = { a: T; b?: (x: number) => void; readonly c: [number, string?] };\n"
                  "type C = T extends string ? 'yes' : 'no';\n"
                  "type D = { [K in keyof T]-?: T[K] };\n"
                  "type E = `pre-${string}`;\n"
                  "type F = new (...args: any[]) => object;\n"
                  "type G<T> = T extends Array<infer U extends string> ? U : never;\n"
                  "type H = typeof import('./x').y;\n"
                  "type P<T> = T extends (this: infer U, ...args: never) => any ? U : unknown;\n"
                  "type Q<T> = T extends new (...args: any) => infer R ? R : never;\n"
                  "type I = A & B | -1 | 'lit' | true | null | undefined | void | unique symbol;\n"
                  "interface J<T> extends K<T>, L {\n"
                  "  m(x: T): void; n?: number; readonly o: string; [k: string]: any;\n"
                  "  (call: number): string; new (x: number): J<T>; get p(): number;\n"
                  "}\n"
                  "let after = 1;"),
            "(let after=1)");
}

TEST(Parser, DropsDeclareAndOverloads) {
  EXPECT_EQ(parse("declare const a: number;\n"
                  "declare var v: number;\n"
                  "declare function f(x: number): void;\n"
                  "declare class C { m(): void; }\n"
                  "declare module 'm' { export const x: number; }\n"
                  "declare global { interface W {} }\n"
                  "function g(a: string): void;\n"
                  "function g(a: number): void;\n"
                  "function g(a: any) { return a; }\n"
                  "export function h(): void;\n"
                  "export function h() {}"),
            "(function g (a) (return a))\n(export (function h ()))");
}

TEST(Parser, DropsAssertionsAndTypeArguments) {
  EXPECT_EQ(parse("x as any; y!; z satisfies T; <number>w; o!.p; x as const;"),
            "x\ny\nz\nw\n(. o p)\nx");
  EXPECT_EQ(parse("f<number>(1); new Map<string, Array<number>>(); a.b<T>();"),
            "(call f 1)\n(new Map)\n(call (. a b))");
  EXPECT_EQ(parse("new Set<number>;"), "(new Set)");
  EXPECT_EQ(parse("a < b > c;"), "(> (< a b) c)");
  EXPECT_EQ(parse("if (a < b) { c > d; }"), "(if (< a b) (block (> c d)))");
  EXPECT_EQ(parse("let g: Array<Array<number>>= [];"), "(let g=(array))");
}

// ---------------------------------------------------------------------------
// Statements

TEST(Parser, ParsesIfWhileDoWhile) {
  EXPECT_EQ(parse("if (a) b(); else if (c) d(); else { e(); }"),
            "(if a (call b) (if c (call d) (block (call e))))");
  EXPECT_EQ(parse("while (x) x--;"), "(while x (post-- x))");
  EXPECT_EQ(parse("do { x++; } while (x < 5)"), "(do (block (post++ x)) (< x 5))");
  EXPECT_EQ(parse("do x++; while (x) y()"), "(do (post++ x) x)\n(call y)");
}

TEST(Parser, ParsesAllForLoopForms) {
  EXPECT_EQ(parse("for (let i = 0; i < n; i++) {}"), "(for (let i=0) (< i n) (post++ i) (block))");
  EXPECT_EQ(parse("for (;;) break;"), "(for _ _ _ (break))");
  EXPECT_EQ(parse("for (const x of xs) {}"), "(for-of const x xs (block))");
  EXPECT_EQ(parse("for (let [k, v] of m) {}"), "(for-of let [k v] m (block))");
  EXPECT_EQ(parse("for (const k in o) {}"), "(for-in const k o (block))");
  EXPECT_EQ(parse("for (x of xs) {}"), "(for-of x xs (block))");
  EXPECT_EQ(parse("for (o.p in q) {}"), "(for-in (. o p) q (block))");
  EXPECT_EQ(parse("for ([a, b] of pairs) {}"), "(for-of [a b] pairs (block))");
}

TEST(Parser, RejectsBadForOfHeads) {
  EXPECT_EQ(first_error("for (const x of a, b) {}"), "1:18: expected ')' after for-of head, found ','");
  EXPECT_EQ(first_error("for (const x = 1 of a) {}"),
            "1:12: a for-of or for-in variable cannot have an initializer");
  EXPECT_EQ(first_error("for (let a, b of c) {}"), "1:6: a for-of or for-in loop declares exactly one variable");
}

TEST(Parser, ParsesSwitchWithFallThroughAndDefault) {
  EXPECT_EQ(parse("switch (x) { case 1: case 2: a(); break; default: b(); case 3: }"),
            "(switch x (case 1) (case 2 (call a) (break)) (default (call b)) (case 3))");
  EXPECT_EQ(first_error("switch (x) { default: default: }"), "1:23: a switch may have only one default clause");
}

TEST(Parser, ParsesTryCatchFinally) {
  EXPECT_EQ(parse("try { a(); } catch (e) { b(e); } finally { c(); }"),
            "(try (block (call a)) (catch e (block (call b e))) (finally (block (call c))))");
  EXPECT_EQ(parse("try {} catch {}"), "(try (block) (catch _ (block)))");
  EXPECT_EQ(parse("try {} finally {}"), "(try (block) (finally (block)))");
  EXPECT_EQ(parse("try {} catch ({message}) {}"), "(try (block) (catch {message} (block)))");
  EXPECT_EQ(first_error("try {}\nlet x = 1;"), "2:1: expected 'catch' or 'finally' after try block, found 'let'");
}

TEST(Parser, ParsesLabelsBreakAndContinue) {
  EXPECT_EQ(parse("outer: for (;;) { inner: while (1) { continue outer; break inner; } }"),
            "(label outer (for _ _ _ (block (label inner (while 1 (block (continue outer) (break inner)))))))");
  EXPECT_EQ(parse("a: b: for (;;) { continue a; }"), "(label a (label b (for _ _ _ (block (continue a)))))");
  EXPECT_EQ(parse("blk: { break blk; }"), "(label blk (block (break blk)))");
  EXPECT_EQ(parse("for (;;) { switch (x) { case 1: continue; default: break; } }"),
            "(for _ _ _ (block (switch x (case 1 (continue)) (default (break)))))");
}

TEST(Parser, RejectsMisplacedBreakAndContinue) {
  EXPECT_EQ(first_error("break;"), "1:1: 'break' outside a loop or switch");
  EXPECT_EQ(first_error("switch (x) { case 1: continue; }"), "1:22: 'continue' outside a loop");
  EXPECT_EQ(first_error("for (;;) { break nowhere; }"), "1:18: undefined label 'nowhere'");
  EXPECT_EQ(first_error("l: { continue l; }"), "1:15: 'continue' label 'l' does not name a loop");
  EXPECT_EQ(first_error("for (;;) { () => { break; }; }"), "1:20: 'break' outside a loop or switch");
}

TEST(Parser, ParsesReturnThrowAndEmptyStatements) {
  EXPECT_EQ(parse("function f() { return; }"), "(function f () (return))");
  EXPECT_EQ(parse("return 1 + 2;"), "(return (+ 1 2))");
  EXPECT_EQ(parse("throw new Error('x');"), "(throw (new Error \"x\"))");
  EXPECT_EQ(parse(";;"), "(empty)\n(empty)");
}

TEST(Parser, RejectsDeclarationsAsSingleStatementBodies) {
  EXPECT_EQ(first_error("if (x) let y = 1;"),
            "1:8: a declaration cannot be the body of an if statement; wrap it in braces");
}

// ---------------------------------------------------------------------------
// Automatic semicolon insertion

TEST(Parser, InsertsSemicolonsAtNewlinesBracesAndEnd) {
  EXPECT_EQ(parse("let a = 1\nlet b = 2\nf(a)"), "(let a=1)\n(let b=2)\n(call f a)");
  EXPECT_EQ(parse("function f() { return 1 }"), "(function f () (return 1))");
  EXPECT_EQ(parse("x\n.y\n.z()"), "(call (. (. x y) z))");  // no insertion: '.' continues
  EXPECT_EQ(parse("a = b\n(c)"), "(= a (call b c))");      // as in JavaScript
}

TEST(Parser, AppliesRestrictedProductions) {
  EXPECT_EQ(parse("function f() { return\n1 }"), "(function f () (return) 1)");
  EXPECT_EQ(parse("a\n++b"), "a\n(++pre b)");
  EXPECT_EQ(parse("for (;;) { break\nlabel }"), "(for _ _ _ (block (break) label))");
  EXPECT_EQ(first_error("throw\nnew Error()"), "2:1: a line break is not allowed between 'throw' and its value");
}

TEST(Parser, RequiresSemicolonsBetweenStatementsOnOneLine) {
  EXPECT_EQ(first_error("let a = 1 let b = 2"), "1:11: expected ';' after variable declaration, found 'let'");
  EXPECT_EQ(first_error("a b"), "1:3: expected ';' after expression, found 'b'");
}

// ---------------------------------------------------------------------------
// Errors and recovery

TEST(Parser, ReportsMissingParenWithLocation) {
  EXPECT_EQ(first_error("let x = foo(1, 2 {\n"), "1:18: expected ')' after arguments, found '{'");
}

TEST(Parser, ReportsUnexpectedEndOfFileWithTheOpeningLine) {
  EXPECT_EQ(first_error("function f() {\n  if (x) {\n    y();\n"),
            "4:1: unexpected end of file in block started at line 2");
  EXPECT_EQ(errors("function f() {\n  if (x) {\n    y();\n").size(), 1u);
  EXPECT_EQ(first_error("f(1, 2"), "1:7: unexpected end of file in argument list started at line 1");
  EXPECT_EQ(first_error("let a = [1"), "1:11: unexpected end of file in array literal started at line 1");
}

TEST(Parser, ReportsSeveralErrorsInOneRun) {
  auto diags = errors("let x = foo(1, 2 {\n"
                      "let y = ;\n"
                      "var z = 1;\n"
                      "function f() {\n"
                      "  return a +;\n"
                      "}\n"
                      "const ok = 1;\n"
                      "let s = \"abc\n");
  ASSERT_EQ(diags.size(), 5u);
  EXPECT_EQ(diags[0].line, 1u);
  EXPECT_EQ(diags[0].column, 18u);
  EXPECT_EQ(diags[1].line, 2u);
  EXPECT_EQ(diags[1].column, 9u);
  EXPECT_EQ(diags[1].message, "expected an expression, found ';'");
  EXPECT_EQ(diags[2].line, 3u);
  EXPECT_EQ(diags[2].message, "var is not supported; use let or const");
  EXPECT_EQ(diags[3].line, 5u);
  EXPECT_EQ(diags[3].column, 13u);
  EXPECT_EQ(diags[4].line, 8u);
  EXPECT_EQ(diags[4].message, "unterminated string literal");
  EXPECT_EQ(diags[4].source_line, "let s = \"abc");
}

TEST(Parser, RecoversInsideClassBodies) {
  auto diags = errors("class A {\n  m() { let = 1; }\n  n(: number) {}\n  ok() {}\n}\nlet z = ;\n");
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].line, 2u);
  EXPECT_EQ(diags[1].line, 3u);
  EXPECT_EQ(diags[2].line, 6u);
}

TEST(Parser, CapsTheNumberOfErrors) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "let = 1;\n";
  EXPECT_EQ(errors(text).size(), DiagnosticSink::kDefaultMaxErrors);
}

TEST(Parser, ErrorResultIsACompileErrorWithRenderedCarets) {
  auto result = parse_program("main.raya", "let x = (1 + ;\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, raya::messages::ErrorCode::CompileError);
  EXPECT_EQ(result.error().render_diagnostics(),
            "main.raya:1:14: error: expected an expression, found ';'\n"
            "  let x = (1 + ;\n"
            "               ^\n");
}

TEST(Parser, RejectsUnsupportedSyntaxClearly) {
  EXPECT_EQ(first_error("function* g() {}"), "1:9: generator functions are not supported");
  EXPECT_EQ(first_error("class A { #x = 1; }"), "1:11: private names (#x) are not supported; use a normal property");
  EXPECT_EQ(first_error("with (o) {}"), "1:1: 'with' statements are not supported");
  EXPECT_EQ(first_error("namespace N {}"), "1:1: TypeScript namespaces are not supported; use modules");
  EXPECT_EQ(first_error("import('x');"), "1:1: dynamic import() is not supported; use an import declaration");
  EXPECT_EQ(first_error("@dec class A {}"), "1:1: decorators are not supported");
}

TEST(Parser, ReportsNestingTooDeep) {
  std::string deep(2000, '(');
  deep += "1";
  deep += std::string(2000, ')');
  EXPECT_EQ(first_error(deep).find("nesting too deep") != std::string::npos, true) << first_error(deep);
  std::string blocks(3000, '{');
  blocks += std::string(3000, '}');
  EXPECT_NE(first_error(blocks).find("nesting too deep"), std::string::npos);
  // A flat chain is not nesting (issue 10, item 10): it parses.
  std::string chain = "x = 1";
  for (int i = 0; i < 2000; ++i) chain += " + 1";
  EXPECT_EQ(first_error(chain), "");
  std::string moderate(100, '[');
  moderate += std::string(100, ']');
  EXPECT_EQ(first_error(moderate), "");
}

TEST(Parser, RecordsNodePositions) {
  auto result = parse_program("t.raya", "let a = 1;\n  foo.bar(x);\n");
  ASSERT_TRUE(result.ok());
  const Program& program = **result;
  EXPECT_EQ(program.body[0]->pos, (SourcePos{1, 1}));
  const auto& decl = program.body[0]->as<VarDeclStmt>();
  EXPECT_EQ(decl.declarators[0].init->pos, (SourcePos{1, 9}));
  const auto& call = program.body[1]->as<ExprStmt>().expr->as<CallExpr>();
  EXPECT_EQ(call.pos, (SourcePos{2, 3}));
  EXPECT_EQ(call.args[0]->pos, (SourcePos{2, 11}));
  EXPECT_EQ(program.source->name(), "t.raya");
}

// ---------------------------------------------------------------------------
// Robustness: any input gives diagnostics or an AST, never a crash or hang.

namespace {

const char* kValidProgram = R"(import { a, b as c } from "./lib.raya";
type T<U> = { x: U[]; y?: (a: number) => void } | [number, string];
interface I extends J { m(): void }
enum E { A, B = 2 }
export class K<T> extends Base implements I {
  private x: number = 1;
  static y = 2;
  constructor(public z: number) { super(z); }
  get v(): number { return this.x; }
  async m<T>(a: T, ...rest: number[]): Promise<void> { await sleep(1); }
}
export function f({ p, q: [r, , s = 3] }: any, t = `a${b}c${`d${e}`}`): number {
  for (const [k, v] of map) { if (k?.x ?? v!.y) continue; else break; }
  for (let i = 0; i < 10; i++) { label: while (true) { break label; } }
  switch (a) { case 1: b(); default: c(); }
  try { throw new Error("x"); } catch (err) { } finally { }
  let g = <T,>(x: T): T => x, h = async (y) => y ** 2, o = { a, [b]: 1, m() {}, get g() { return 1; }, ...s };
  [a, b] = [b, a]; x ??= y || z && !w; return a < b ? c : d as number;
}
)";

void expect_no_crash(const std::string& text) {
  // dump_program (a test aid) recurses once per AST level, and flat chains
  // (`a.b.a.b...`) may now be as long as the input: it gets a 64 MiB stack,
  // plenty even for a sanitizer build's frames. The parser's own bound is
  // proven on 1 MiB by deep_nesting_test.cpp.
  raya::vm::test::run_with_small_stack(
      [&] {
        auto result = parse_program("fuzz.raya", text);
        if (result.ok()) {
          (void)dump_program(**result);
        } else {
          EXPECT_FALSE(result.error().diagnostics.empty());
        }
      },
      size_t(64) << 20);
}

}  // namespace

TEST(ParserRobustness, ValidProgramParses) {
  EXPECT_FALSE(parse(kValidProgram).empty());
}

TEST(ParserRobustness, EveryPrefixOfAValidProgramIsHandled) {
  std::string program = kValidProgram;
  for (size_t i = 0; i <= program.size(); ++i) expect_no_crash(program.substr(0, i));
}

TEST(ParserRobustness, RandomTokenSoupsAreHandled) {
  static const char* const kTokens[] = {
      "(", ")", "[", "]", "{", "}", "=>", "<", ">", ">>", ":", "?", "?.", ",", ";", "...", "=", "a", "b",
      "async", "function", "class", "let", "const", "new", "1", "\"s\"", "`t${", "}`", "`x`", "type",
      "interface", "extends", "import", "export", "default", "from", "as", "of", "in", "for", "if",
      "else", "return", "\n", "+", "-", "!", "*", "**", "++", "get", "set", "static", "declare", "enum",
      "switch", "case", "try", "catch", "finally", "while", "do", "break", "continue", "this", "super",
      ".", "|", "&", "keyof", "typeof", "infer", "readonly", "#x", "@", "/*", "*/", "//", "'", "\\",
      "0x", "1_", "abstract", "implements", "satisfies", "await", "var", "label:"};
  std::mt19937 rng(1234);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int count = static_cast<int>(rng() % 40);
    for (int k = 0; k < count; ++k) {
      text += kTokens[rng() % (sizeof kTokens / sizeof *kTokens)];
      text += ' ';
    }
    expect_no_crash(text);
  }
}

TEST(ParserRobustness, MutatedProgramsAreHandled) {
  std::mt19937 rng(99);
  std::string base = kValidProgram;
  for (int round = 0; round < 1500; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      size_t at = rng() % text.size();
      size_t length = rng() % 16;
      switch (rng() % 4) {
        case 0: text.erase(at, length); break;
        case 1: text.insert(at, text.substr(rng() % text.size(), length)); break;
        case 2: text[at] = static_cast<char>(rng()); break;
        default: text.insert(at, std::string(1 + rng() % 3, "({[<`'\"/"[rng() % 8])); break;
      }
    }
    expect_no_crash(text);
  }
}

TEST(ParserRobustness, DeepAndLongInputsStayBounded) {
  for (const char* unit : {"(", "[", "{", "-", "!", "x=>", "`${", "new ", "f<", "(a)=>", "if(1)", "a?b:",
                           "let x:", "type A=(", "type A={a:", "async ", "<T>(x)=>", "(x):T=>", "a**",
                           "class A{m(){", "(a=(b)):T=>", "[a]=", "{a:b}=", "keyof ", "f(...", "a.b."}) {
    std::string text;
    for (int k = 0; k < 1200; ++k) text += unit;
    expect_no_crash(text);
    expect_no_crash(text + "x");
  }
  std::string speculative;
  for (int k = 0; k < 200; ++k) speculative += "c ? (a = ";
  speculative += "x";
  for (int k = 0; k < 200; ++k) speculative += ") : d";
  expect_no_crash(speculative);
}
