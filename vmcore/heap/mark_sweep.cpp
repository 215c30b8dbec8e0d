// Tracing and finalisation for every object kind: the only place that must
// know each layout's references. Keep it in step with vmcore/object/*.hpp.
#include <algorithm>

#include "vmcore/heap/heap.hpp"
#include "vmcore/interp/module_instance.hpp"
#include "vmcore/interp/task.hpp"
#include "vmcore/object/array.hpp"
#include "vmcore/object/collections.hpp"
#include "vmcore/object/function.hpp"
#include "vmcore/object/object.hpp"
#include "vmcore/object/shape.hpp"
#include "vmcore/object/string.hpp"

namespace raya::vm {

namespace {

void trace_object_fields(Object* obj, Marker& m) {
  m.mark(obj->shape_);
  if (obj->dict_) {
    for (const PropertyDict::Entry& e : obj->dict_->entries) {
      if (e.deleted) continue;
      m.mark(e.key);
      m.mark(e.value);
    }
  } else {
    m.mark_range(obj->slots_, obj->slots_ + obj->shape_->slot_count_);
  }
}

}  // namespace

void trace_object(HeapObject* obj, Marker& m) {
  switch (obj->kind()) {
    case ObjectKind::String:
      return;
    case ObjectKind::Object:
      trace_object_fields(static_cast<Object*>(obj), m);
      return;
    case ObjectKind::Class: {
      auto* c = static_cast<Class*>(obj);
      trace_object_fields(c, m);
      m.mark(c->name_);
      m.mark(c->constructor_);
      m.mark(c->prototype_);
      m.mark(c->parent_);
      m.mark(c->instance_shape_);
      return;
    }
    case ObjectKind::Array: {
      auto* a = static_cast<Array*>(obj);
      m.mark_range(a->elements_, a->elements_ + a->length_);
      return;
    }
    case ObjectKind::Closure: {
      auto* c = static_cast<Closure*>(obj);
      m.mark(c->module_);
      m.mark(c->home_);
      m.mark(c->owner_class_);
      for (uint32_t i = 0; i < c->upvalue_count_; ++i) m.mark(c->upvalues()[i]);
      return;
    }
    case ObjectKind::NativeFunction: {
      auto* f = static_cast<NativeFunction*>(obj);
      m.mark(f->name_);
      m.mark(f->data_);
      return;
    }
    case ObjectKind::Cell:
      m.mark(static_cast<Cell*>(obj)->value_);
      return;
    case ObjectKind::Shape: {
      auto* s = static_cast<Shape*>(obj);
      // Children are not traced: a shape lives while an object or a cache
      // uses it; dead children are unlinked when swept (see finalize).
      m.mark(s->parent_);
      m.mark(s->key_);
      m.mark(s->proto_);
      return;
    }
    case ObjectKind::Accessor: {
      auto* a = static_cast<Accessor*>(obj);
      m.mark(a->getter_);
      m.mark(a->setter_);
      return;
    }
    case ObjectKind::Map:
    case ObjectKind::Set: {
      auto* map = static_cast<MapObject*>(obj);
      for (const OrderedTable::Entry& e : map->table_.entries()) {
        if (e.deleted) continue;
        m.mark(e.key);
        m.mark(e.value);
      }
      return;
    }
    case ObjectKind::Iterator:
      m.mark(static_cast<Iterator*>(obj)->source_);
      return;
    case ObjectKind::ModuleInstance: {
      auto* mi = static_cast<ModuleInstance*>(obj);
      m.mark_range(mi->constants_.data(), mi->constants_.data() + mi->constants_.size());
      m.mark_range(mi->globals_.data(), mi->globals_.data() + mi->globals_.size());
      m.mark_range(mi->builtins_.data(), mi->builtins_.data() + mi->builtins_.size());
      for (FunctionCaches& fc : mi->function_caches_) {
        for (String* name : fc.names) m.mark(name);
        for (InlineCache& ic : fc.caches) {
          m.mark(ic.shape);
          m.mark(ic.holder);
          m.mark(ic.transition);
        }
      }
      return;
    }
    case ObjectKind::Task: {
      auto* t = static_cast<Task*>(obj);
      // Registers in use: every frame's window and argument windows above the
      // top frame. Slots above that belong to calls that have returned: they
      // are garbage, and are cleared rather than left dangling, because a
      // later frame's registers are not cleared on entry and may be read by
      // the collector before the frame writes them.
      size_t extent = std::min<size_t>(t->args_top, t->stack.size());
      for (const Frame& f : t->frames) {
        m.mark(f.closure);
        extent = std::max<size_t>(extent, size_t(f.base) + f.closure->proto_->register_count + 1);
      }
      extent = std::min(extent, t->stack.size());
      m.mark_range(t->stack.data(), t->stack.data() + extent);
      std::fill(t->stack.begin() + long(extent), t->stack.end(), Value::undefined());
      m.mark(t->result);
      m.mark(t->exception);
      m.mark(t->awaiting);
      m.mark(t->resume_exception);
      for (const Task::Waiter& w : t->waiters) m.mark(w.task);
      m.mark(t->last_waiter);  // compared by address: must not be reused while remembered
      return;
    }
    case ObjectKind::Bytes:
    case ObjectKind::ForeignHandle:
      return;
  }
}

void finalize_object(HeapObject* obj, Heap& heap) {
  switch (obj->kind()) {
    case ObjectKind::Object:
    case ObjectKind::Class: {
      auto* o = static_cast<Object*>(obj);
      if (o->out_of_line_charged_ != 0) heap.free_buffer(o->slots_, o->out_of_line_charged_);
      if (o->dict_) heap.charge_external(-int64_t(o->dict_->entries.capacity() * sizeof(PropertyDict::Entry)));
      if (obj->kind() == ObjectKind::Class)
        static_cast<Class*>(o)->~Class();
      else
        o->~Object();
      return;
    }
    case ObjectKind::Array: {
      auto* a = static_cast<Array*>(obj);
      heap.free_buffer(a->elements_, a->charged_);
      a->~Array();
      return;
    }
    case ObjectKind::Shape: {
      auto* s = static_cast<Shape*>(obj);
      // Unlink from a parent that survives this sweep (or dies in it: either
      // way the parent's table must not keep a dangling pointer).
      if (s->parent_ != nullptr) {
        auto& t = s->parent_->transitions_;
        for (size_t i = 0; i < t.size(); ++i)
          if (t[i].second == s) {
            t.erase(t.begin() + long(i));
            break;
          }
      }
      for (auto& t : s->transitions_) t.second->parent_ = nullptr;
      s->~Shape();
      return;
    }
    case ObjectKind::Map:
    case ObjectKind::Set: {
      auto* m = static_cast<MapObject*>(obj);
      heap.charge_external(-int64_t(m->charged_));
      m->~MapObject();
      return;
    }
    case ObjectKind::ModuleInstance:
      static_cast<ModuleInstance*>(obj)->~ModuleInstance();
      return;
    case ObjectKind::Task: {
      auto* t = static_cast<Task*>(obj);
      heap.charge_external(-int64_t(t->stack_charged + t->waiters_charged));
      t->~Task();
      return;
    }
    default:
      return;  // trivially destructible kinds
  }
}

}  // namespace raya::vm
