// fn: current date/time and component extraction (no durations: timezone-from-* are left out).
#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"
#include "xpath/temporal.hpp"

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

Sequence fn_current_datetime(Evaluator&, const Focus&, Args&, const Expr&) {
    return single(Atomic::temporal(now_utc(), Type::dateTime));
}
Sequence fn_current_date(Evaluator&, const Focus&, Args&, const Expr&) {
    return single(cast(Atomic::temporal(now_utc(), Type::dateTime), Type::date));
}
Sequence fn_current_time(Evaluator&, const Focus&, Args&, const Expr&) {
    return single(cast(Atomic::temporal(now_utc(), Type::dateTime), Type::time));
}

const DateTime* temporal_arg(Evaluator& ev, Args& a, std::vector<Atomic>& storage, Type type, const Expr& call) {
    const Atomic* v = optional_atomic(ev, a[0], storage, call);
    if (!v) return nullptr;
    if (v->type() == Type::untypedAtomic) {
        storage.push_back(cast(*v, type));
        v = &storage.back();
    }
    if (v->type() != type)
        throw Error("XPTY0004", call.name + "(): " + std::string(type_name(type)) + " required", call.offset);
    return &v->datetime_value();
}

enum class Part { year, month, day, hours, minutes, seconds };

template <Type type, Part part> Sequence component(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> storage;
    storage.reserve(2);
    const DateTime* v = temporal_arg(ev, a, storage, type, call);
    if (!v) return {};
    switch (part) {
    case Part::year: return single(Atomic::integer(v->year));
    case Part::month: return single(Atomic::integer(v->month));
    case Part::day: return single(Atomic::integer(v->day));
    case Part::hours: return single(Atomic::integer(v->hour));
    case Part::minutes: return single(Atomic::integer(v->minute));
    case Part::seconds: return single(Atomic::decimal(Decimal::from_int(v->microsecond) / Decimal::from_int(1000000)));
    }
    return {};
}

Sequence fn_datetime(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> s1, s2;
    s1.reserve(2), s2.reserve(2);
    Args first{a[0]}, second{a[1]};
    const DateTime* d = temporal_arg(ev, first, s1, Type::date, call);
    const DateTime* t = temporal_arg(ev, second, s2, Type::time, call);
    if (!d || !t) return {};
    if (d->has_timezone && t->has_timezone && d->timezone_minutes != t->timezone_minutes)
        throw Error("FORG0008", "dateTime(): the timezones differ", call.offset);
    DateTime r = *d;
    r.hour = t->hour, r.minute = t->minute, r.microsecond = t->microsecond;
    if (!r.has_timezone && t->has_timezone) r.has_timezone = true, r.timezone_minutes = t->timezone_minutes;
    return single(Atomic::temporal(r, Type::dateTime));
}

} // namespace

void add_datetime_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "current-dateTime", 0, 0, fn_current_datetime},
                          {k_fn_uri, "current-date", 0, 0, fn_current_date},
                          {k_fn_uri, "current-time", 0, 0, fn_current_time},
                          {k_fn_uri, "dateTime", 2, 2, fn_datetime},
                          {k_fn_uri, "year-from-date", 1, 1, component<Type::date, Part::year>},
                          {k_fn_uri, "month-from-date", 1, 1, component<Type::date, Part::month>},
                          {k_fn_uri, "day-from-date", 1, 1, component<Type::date, Part::day>},
                          {k_fn_uri, "year-from-dateTime", 1, 1, component<Type::dateTime, Part::year>},
                          {k_fn_uri, "month-from-dateTime", 1, 1, component<Type::dateTime, Part::month>},
                          {k_fn_uri, "day-from-dateTime", 1, 1, component<Type::dateTime, Part::day>},
                          {k_fn_uri, "hours-from-dateTime", 1, 1, component<Type::dateTime, Part::hours>},
                          {k_fn_uri, "minutes-from-dateTime", 1, 1, component<Type::dateTime, Part::minutes>},
                          {k_fn_uri, "seconds-from-dateTime", 1, 1, component<Type::dateTime, Part::seconds>},
                          {k_fn_uri, "hours-from-time", 1, 1, component<Type::time, Part::hours>},
                          {k_fn_uri, "minutes-from-time", 1, 1, component<Type::time, Part::minutes>},
                          {k_fn_uri, "seconds-from-time", 1, 1, component<Type::time, Part::seconds>},
                      });
}

} // namespace healthdoc::xpath
