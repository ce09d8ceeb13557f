package strictjson

import (
	"reflect"
	"strings"
	"sync"
)

// fieldCache keeps each struct type's JSON field names: a request type is read on every call.
var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf returns the JSON names of t's fields, as encoding/json decodes them, with their
// types: exported fields under their tag's name or their own, "-" left out, and the fields of
// an untagged embedded struct promoted.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	collect(t, fields, map[reflect.Type]bool{})
	fieldCache.Store(t, fields)
	return fields
}

// collect adds t's own fields first and then those its untagged embedded structs promote,
// so that a shallower field wins over a deeper one of the same name, as in encoding/json.
func collect(t reflect.Type, into map[string]reflect.Type, visited map[reflect.Type]bool) {
	if visited[t] {
		return
	}
	visited[t] = true
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if et := f.Type; f.Anonymous && name == "" {
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := into[name]; !taken {
			into[name] = f.Type
		}
	}
	for _, et := range embedded {
		collect(et, into, visited)
	}
}
