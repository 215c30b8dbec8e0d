// The compile driver: loads the entry file and its imports, orders them
// (dependencies first), runs the code generator over each and bundles the
// result into one Module.
#include "vmcore/compiler/compiler.hpp"

#include <filesystem>
#include <tuple>
#include <unordered_map>

#include "vmcore/builtins/builtin_names.hpp"
#include "vmcore/compiler/codegen.hpp"
#include "vmcore/compiler/compile_budget.hpp"
#include "vmcore/compiler/parser.hpp"

namespace raya::vm::compiler {

namespace {

std::string resolve_import(const std::string& importer, const std::string& spec) {
  std::filesystem::path base = std::filesystem::path(importer).parent_path();
  return (base / spec).lexically_normal().generic_string();
}

/// How long a chain of imports (a imports b imports c ...) may be.
constexpr size_t kMaxImportDepth = 1000;

class Bundler {
 public:
  explicit Bundler(const CompileOptions& options) : options_(options), budget_(options) {}

  Result<Module> run(const std::string& entry_path, const std::string& entry_text) {
    uint32_t entry = load(entry_path, entry_text);
    visit(entry);
    if (budget_.stopped()) return stop_error();
    Error errors = collect_errors();
    if (!errors.diagnostics.empty()) return errors;

    Module module;
    for (const auto& f : files_) module.files.push_back(f->path);
    std::vector<std::string> builtins = options_.builtin_names;
    if (builtins.empty()) {
      for (std::string_view n : kBuiltinNames) builtins.emplace_back(n);
    }
    if (options_.is_prelude) {
      for (std::string_view n : kPreludeBuiltinNames) builtins.emplace_back(n);
    }
    CodeGen gen(module, builtins, options_.is_prelude);
    gen.set_budget(&budget_);
    for (uint32_t f : order_) gen.declare_file(*files_[f]);
    for (uint32_t f : order_) gen.resolve_exports(*files_[f], files_);
    errors = collect_errors();
    if (!errors.diagnostics.empty()) return errors;
    std::vector<uint32_t> inits;
    for (uint32_t f : order_) inits.push_back(gen.compile_file(*files_[f], files_));
    if (budget_.stopped()) return stop_error();
    errors = collect_errors();
    if (!errors.diagnostics.empty()) return errors;
    module.entry_function = gen.emit_entry(inits, entry);
    for (const auto& [name, slot] : files_[entry]->exports) module.exports.push_back(Export{name, slot});
    return module;
  }

 private:
  uint32_t load(const std::string& path, std::string text) {
    source_bytes_ += text.size();  // before the text moves: every file of the program counts
    auto unit = std::make_unique<FileUnit>();
    unit->path = path;
    unit->file_index = uint32_t(files_.size());
    unit->source = std::make_shared<const SourceFile>(path, std::move(text));
    unit->sink = std::make_unique<DiagnosticSink>(*unit->source);
    if (source_bytes_ > options_.max_source_bytes) {
      // Checked before lexing: compile memory is proportional to the source.
      Error e = messages::make_error(ErrorCode::CompileError,
                                     "program source is larger than the limit of " +
                                         std::to_string(options_.max_source_bytes) +
                                         " bytes (CompileOptions::max_source_bytes)");
      messages::Diagnostic d;
      d.file = path;
      d.line = 1;
      d.column = 1;
      d.message = e.message;
      e.message = path + ":1:1: " + e.message;
      e.diagnostics.push_back(std::move(d));
      budget_.stop(std::move(e));
      unit->program = std::make_unique<Program>();
    } else {
      unit->program = parse_program_into(unit->source, *unit->sink, &budget_);
    }
    index_[path] = unit->file_index;
    files_.push_back(std::move(unit));
    return uint32_t(files_.size() - 1);
  }

  /// Depth-first over imports; `order_` ends up dependencies-first. The
  /// recursion follows the program's import chain, so its depth is capped
  /// (kMaxImportDepth): a chain of thousands of files is a CompileError at
  /// the import that goes too deep, not a stack overflow.
  void visit(uint32_t f, size_t depth = 0) {
    if (state_.size() <= f) state_.resize(f + 1, 0);
    if (state_[f] != 0) return;
    state_[f] = 1;
    std::vector<std::tuple<std::string, SourcePos, bool>> specs;  // specifier, where, re-export?
    if (files_[f]->program && !files_[f]->sink->has_errors()) {
      for (const StmtPtr& s : files_[f]->program->body) {
        if (s->kind == StmtKind::Import) specs.emplace_back(s->as<ImportStmt>().source, s->pos, false);
        if (s->kind == StmtKind::ExportNamed && !s->as<ExportNamedStmt>().source.empty())
          specs.emplace_back(s->as<ExportNamedStmt>().source, s->pos, true);
      }
    }
    for (const auto& [spec, pos, is_reexport] : specs) {
      if (budget_.stopped()) break;
      if (is_vm_module(spec)) {
        // Provided by the VM: nothing to load (codegen binds the names).
        if (is_reexport)
          files_[f]->sink->error(pos, "Cannot re-export from '" + spec + "': import the names, then export them");
        else if (spec.rfind("host:", 0) == 0 && spec != "host:")
          files_[f]->sink->error(pos, "Cannot find module '" + spec + "': host capabilities are imported from \"host:\"");
        else if (spec == "raya:vm")
          files_[f]->sink->error(pos, "Module 'raya:vm' (inner VMs) is not available in this version of Raya");
        else if (spec.rfind("raya:", 0) == 0 && spec != "raya:task")
          files_[f]->sink->error(pos, "Cannot find module '" + spec + "': the VM provides 'raya:task'");
        continue;
      }
      if (spec.rfind("./", 0) != 0 && spec.rfind("../", 0) != 0) {
        files_[f]->sink->error(pos, "Cannot find module '" + spec + "': imports must be relative paths like './" +
                                        spec + "'");
        continue;
      }
      if (depth + 1 >= kMaxImportDepth) {
        files_[f]->sink->error(pos, "imports nested more than " + std::to_string(kMaxImportDepth) +
                                        " files deep (a chain of imports this long is not supported)");
        continue;
      }
      std::string path = resolve_import(files_[f]->path, spec);
      std::optional<uint32_t> target = find_or_load(path, spec, pos, *files_[f]->sink);
      if (!target) continue;
      files_[f]->dependencies.push_back(*target);
      visit(*target, depth + 1);
    }
    state_[f] = 2;
    order_.push_back(f);
  }

  /// The file an import names: already bundled, or read now through the
  /// FileReader (trying NAME.raya for a name without an extension). Reports
  /// a missing or refused file at the import and returns nullopt.
  std::optional<uint32_t> find_or_load(std::string path, const std::string& spec, SourcePos pos,
                                       DiagnosticSink& sink) {
    if (auto it = index_.find(path); it != index_.end()) return it->second;
    if (!options_.read_file) {
      sink.error(pos, "Cannot import '" + spec +
                          "': this compilation reads no files (the embedder gave the compiler no file reader)");
      return std::nullopt;
    }
    FileLookup file = read_guarded(path);
    if (file.kind == FileLookup::Kind::Missing && std::filesystem::path(path).extension().empty()) {
      path += ".raya";
      if (auto it = index_.find(path); it != index_.end()) return it->second;
      file = read_guarded(path);
    }
    if (file.kind == FileLookup::Kind::Missing) {
      sink.error(pos, "Cannot find module '" + spec + "' (looked for " + path + ")");
      return std::nullopt;
    }
    if (file.kind == FileLookup::Kind::Refused) {
      sink.error(pos, "Cannot import '" + spec + "': " + file.reason);
      return std::nullopt;
    }
    if (source_bytes_ + file.text.size() > options_.max_source_bytes) {
      sink.error(pos, "Cannot import '" + spec + "': the program's source files would total more than " +
                          std::to_string(options_.max_source_bytes) + " bytes (CompileOptions::max_source_bytes)");
      return std::nullopt;
    }
    return load(path, std::move(file.text));
  }

  /// The embedder's reader must not throw; if it does, the import fails.
  FileLookup read_guarded(const std::string& path) {
    try {
      return options_.read_file(path);
    } catch (const std::exception& e) {
      return FileLookup::refused(std::string("reading it failed (") + e.what() + ")");
    }
  }

  /// Why the budget stopped compilation, with a location for CompileErrors
  /// (the CLI prints those as diagnostics).
  Error stop_error() const {
    Error e = *budget_.stop_error();
    if (e.code == ErrorCode::CompileError && e.diagnostics.empty()) {
      messages::Diagnostic d;
      d.file = files_.empty() ? std::string() : files_.front()->path;
      d.line = 1;
      d.column = 1;
      d.message = e.message;
      e.diagnostics.push_back(std::move(d));
    }
    return e;
  }

  Error collect_errors() {
    Error e;
    e.code = ErrorCode::CompileError;
    for (const auto& f : files_)
      for (const auto& d : f->sink->diagnostics()) e.diagnostics.push_back(d);
    if (!e.diagnostics.empty()) {
      const auto& d = e.diagnostics.front();
      e.message = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
    }
    return e;
  }

  const CompileOptions& options_;
  CompileBudget budget_;
  size_t source_bytes_ = 0;  // text of every file bundled so far
  std::vector<std::unique_ptr<FileUnit>> files_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<uint8_t> state_;
  std::vector<uint32_t> order_;
};

}  // namespace

Result<Module> compile_source(const std::string& entry_path, const std::string& entry_text,
                              const CompileOptions& options) {
  Bundler bundler(options);
  return bundler.run(entry_path, entry_text);
}

Result<Module> compile_file(const std::string& path, CompileOptions options) {
  FileLookup file = read_regular_file(path, kMaxSourceFileBytes);
  if (file.kind != FileLookup::Kind::Found) {
    std::string why = file.kind == FileLookup::Kind::Missing ? "it does not exist" : file.reason;
    Error e = messages::make_error(ErrorCode::CompileError, "cannot read " + path + ": " + why);
    messages::Diagnostic d;
    d.file = path;
    d.line = 1;
    d.column = 1;
    d.message = "cannot read file: " + why;
    e.diagnostics.push_back(d);
    return e;
  }
  if (!options.read_file) options.read_file = directory_reader(std::filesystem::path(path).parent_path().string());
  return compile_source(path, file.text, options);
}

}  // namespace raya::vm::compiler
