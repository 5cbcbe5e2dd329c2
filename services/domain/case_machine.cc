#include "services/domain/case_machine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/common/status_macros.h"
#include "services/common/time_proto.h"
#include "services/domain/catalog.h"
#include "services/domain/validation.h"

namespace tierhub::domain {
namespace {

using v1::CaseState;

struct Edge {
  CaseState from;
  CaseState to;
};

// The graphs of case_machine.h, one table per dimension.
constexpr Edge kEnergy[] = {
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_RECTIFYING},
    {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_EXTENDED},
    {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_RECTIFYING, v1::CASE_STATE_ORDERED_CLOSED},
    {v1::CASE_STATE_EXTENDED, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_EXTENDED, v1::CASE_STATE_ORDERED_CLOSED},
    {v1::CASE_STATE_ORDERED_CLOSED, v1::CASE_STATE_CLOSED_EXITED},
};
constexpr Edge kQuality[] = {
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_SUSPENDED},
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_LICENCE_CANCELLED},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_LICENCES_REVOKED},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_LICENCE_CANCELLED},
};
constexpr Edge kSafety[] = {
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_SUSPENDED},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_CLOSURE_REQUESTED},
    {v1::CASE_STATE_CLOSURE_REQUESTED, v1::CASE_STATE_CLOSED_EXITED},
    {v1::CASE_STATE_CLOSED_EXITED, v1::CASE_STATE_LICENCES_REVOKED},
};
constexpr Edge kEnvironment[] = {
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_RESTRICTED},
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_SUSPENDED},
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_CLOSURE_APPROVED},
    {v1::CASE_STATE_RESTRICTED, v1::CASE_STATE_SUSPENDED},
    {v1::CASE_STATE_RESTRICTED, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_RESTRICTED, v1::CASE_STATE_CLOSURE_APPROVED},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_COMPLIANT},
    {v1::CASE_STATE_SUSPENDED, v1::CASE_STATE_CLOSURE_APPROVED},
    {v1::CASE_STATE_CLOSURE_APPROVED, v1::CASE_STATE_CLOSED_EXITED},
};
constexpr Edge kTechnology[] = {
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_DISMANTLED},
    {v1::CASE_STATE_FOUND, v1::CASE_STATE_SEALED},
    {v1::CASE_STATE_SEALED, v1::CASE_STATE_DISMANTLED},
    {v1::CASE_STATE_DISMANTLED, v1::CASE_STATE_ACCEPTED},
    {v1::CASE_STATE_SEALED, v1::CASE_STATE_ACCEPTED},
    {v1::CASE_STATE_ACCEPTED, v1::CASE_STATE_CLOSED_EXITED},
};

template <size_t N>
std::pair<const Edge*, size_t> Table(const Edge (&edges)[N]) {
  return {edges, N};
}

std::pair<const Edge*, size_t> EdgesOf(v1::Dimension dimension) {
  switch (dimension) {
    case v1::DIMENSION_ENERGY:
      return Table(kEnergy);
    case v1::DIMENSION_QUALITY:
      return Table(kQuality);
    case v1::DIMENSION_SAFETY:
      return Table(kSafety);
    case v1::DIMENSION_ENVIRONMENT:
      return Table(kEnvironment);
    case v1::DIMENSION_TECHNOLOGY:
      return Table(kTechnology);
    default:
      return {nullptr, 0};
  }
}

std::vector<CaseState> StructuralNext(v1::Dimension dimension, CaseState from) {
  std::vector<CaseState> out;
  auto [edges, n] = EdgesOf(dimension);
  for (size_t i = 0; i < n; ++i) {
    if (edges[i].from == from) out.push_back(edges[i].to);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool DeadlineRunsIn(CaseState state) {
  return state == v1::CASE_STATE_RECTIFYING || state == v1::CASE_STATE_EXTENDED ||
         state == v1::CASE_STATE_SUSPENDED || state == v1::CASE_STATE_RESTRICTED;
}

std::string StateName(CaseState state) {
  std::string name = v1::CaseState_Name(state);
  if (absl::StartsWith(name, "CASE_STATE_")) name = name.substr(11);
  return name.empty() ? absl::StrCat(static_cast<int>(state)) : name;
}

std::string FormatCst(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S CST", t, ChinaTimeZone());
}

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

absl::Status RequireText(absl::string_view field, absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) return Invalid(field, "is empty");
  return absl::OkStatus();
}

// Missing sealing steps, by name; empty when the case may be sealed.
std::vector<std::string> MissingSealingSteps(const v1::SealingSteps& s) {
  std::vector<std::string> missing;
  if (!s.has_water_cut()) missing.push_back("water_cut");
  if (!s.has_power_cut()) missing.push_back("power_cut");
  if (!s.has_power_units_removed()) missing.push_back("power_units_removed");
  if (!s.has_equipment_sealed()) missing.push_back("equipment_sealed");
  if (!s.public_commitment()) missing.push_back("public_commitment");
  return missing;
}

// Why `to` is not possible now although the graph has the edge, or OK.
absl::Status ConditionFor(const v1::EnforcementCase& c, CaseState to, absl::Time now) {
  if (c.dimension() == v1::DIMENSION_ENERGY && to == v1::CASE_STATE_EXTENDED) {
    if (c.extensions() >= kEnergyMaxExtensions) {
      return absl::FailedPreconditionError(
          absl::StrCat("case ", c.case_id(),
                       ": the one extension an ENERGY case allows was "
                       "already granted"));
    }
    if (c.has_deadline() && ChinaCivilDay(now) > DeadlineDayOf(c.deadline())) {
      return absl::FailedPreconditionError(
          absl::StrCat("case ", c.case_id(),
                       ": an extension must be requested by the deadline, which "
                       "passed at the end of ",
                       DayText(DeadlineDayOf(c.deadline())), " (China time)"));
    }
  }
  if (to == v1::CASE_STATE_SEALED) {
    std::vector<std::string> missing = MissingSealingSteps(c.sealing());
    if (!missing.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("case ", c.case_id(),
                       ": cannot be SEALED before every sealing step is "
                       "recorded; missing: ",
                       absl::StrJoin(missing, ", ")));
    }
  }
  return absl::OkStatus();
}

// The day the case's last step took effect (the opening step: found_at's day).
absl::CivilDay PreviousEffectiveDay(const v1::EnforcementCase& c) {
  if (c.history_size() == 0) return ChinaCivilDay(FromProto(c.found_at()));
  const v1::CaseTransition& last = c.history(c.history_size() - 1);
  if (last.from_state() == v1::CASE_STATE_UNSPECIFIED && last.effective_day().empty()) {
    return ChinaCivilDay(FromProto(c.found_at()));
  }
  return EffectiveDayOf(last);
}

// The effective day of a new step: the requested one (default today), not in the future, not
// before the previous step's.
absl::StatusOr<absl::CivilDay> EffectiveDayFor(const v1::EnforcementCase& c, const Transition& r,
                                               absl::Time now) {
  const absl::CivilDay today = ChinaCivilDay(now);
  const absl::CivilDay day = r.effective_day.value_or(today);
  if (day > today) {
    return Invalid("effective_day", absl::StrCat(DayText(day), " is in the future (today is ",
                                                 DayText(today), " in China time)"));
  }
  const absl::CivilDay previous = PreviousEffectiveDay(c);
  if (day < previous) {
    return Invalid("effective_day", absl::StrCat(DayText(day),
                                                 " is before the case's previous step, which took "
                                                 "effect on ",
                                                 DayText(previous)));
  }
  return day;
}

// The instant of a step: now, but never before the last step (clocks of different nodes may
// disagree; the history stays ordered).
absl::Time StepTime(const v1::EnforcementCase& c, absl::Time now) {
  if (c.history_size() == 0) return now;
  return std::max(now, FromProto(c.history(c.history_size() - 1).at()));
}

absl::Status CheckRequestBasics(const Transition& r) {
  TH_RETURN_IF_ERROR(RequireText("actor", r.actor));
  TH_RETURN_IF_ERROR(RequireText("evidence_ref", r.evidence_ref));
  if (r.to != v1::CASE_STATE_UNSPECIFIED && r.sealing_step != v1::SEALING_STEP_UNSPECIFIED) {
    return Invalid("sealing_step", "a step is either a change of state or a sealing step");
  }
  if (r.to == v1::CASE_STATE_UNSPECIFIED && r.sealing_step == v1::SEALING_STEP_UNSPECIFIED) {
    return Invalid("to_state", "is required (or a sealing_step)");
  }
  if (!v1::CaseState_IsValid(r.to)) {
    return Invalid("to_state", absl::StrCat(static_cast<int>(r.to), " is not a known state"));
  }
  if (!v1::SealingStep_IsValid(r.sealing_step)) {
    return Invalid("sealing_step",
                   absl::StrCat(static_cast<int>(r.sealing_step), " is not a known step"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::EnforcementCase> RecordSealingStep(const v1::EnforcementCase& c,
                                                      const Transition& r, absl::Time now) {
  if (c.dimension() != v1::DIMENSION_TECHNOLOGY || c.state() != v1::CASE_STATE_FOUND) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case ", c.case_id(), ": sealing steps are recorded on a TECHNOLOGY case in FOUND; this ",
        domain::DimensionCode(c.dimension()), " case is in ", StateName(c.state()),
        " (allowed next: ", StateNames(AllowedNext(c, now)), ")"));
  }
  TH_ASSIGN_OR_RETURN(const absl::CivilDay effective, EffectiveDayFor(c, r, now));
  v1::EnforcementCase out = c;
  ShowDeadlines(&out);
  const absl::Time at = StepTime(c, now);
  v1::SealingSteps* s = out.mutable_sealing();
  google::protobuf::Timestamp* slot = nullptr;
  absl::string_view field;
  switch (r.sealing_step) {
    case v1::SEALING_STEP_WATER_CUT:
      slot = s->has_water_cut() ? nullptr : s->mutable_water_cut();
      field = "water_cut";
      break;
    case v1::SEALING_STEP_POWER_CUT:
      slot = s->has_power_cut() ? nullptr : s->mutable_power_cut();
      field = "power_cut";
      break;
    case v1::SEALING_STEP_POWER_UNITS_REMOVED:
      slot = s->has_power_units_removed() ? nullptr : s->mutable_power_units_removed();
      field = "power_units_removed";
      break;
    case v1::SEALING_STEP_EQUIPMENT_SEALED:
      slot = s->has_equipment_sealed() ? nullptr : s->mutable_equipment_sealed();
      field = "equipment_sealed";
      break;
    case v1::SEALING_STEP_PUBLIC_COMMITMENT:
      slot = s->public_commitment() ? nullptr : s->mutable_public_commitment_at();
      field = "public_commitment";
      if (slot != nullptr) s->set_public_commitment(true);
      break;
    default:
      return Invalid("sealing_step", "is not a sealing step");
  }
  if (slot == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c.case_id(), ": sealing.", field, " is already recorded"));
  }
  v1::CaseTransition* t = out.add_history();
  t->set_from_state(c.state());
  t->set_to_state(c.state());
  t->set_sealing_step(r.sealing_step);
  t->set_actor(r.actor);
  *t->mutable_at() = ToProto(at);
  t->set_effective_day(DayText(effective));
  *slot = ToProto(EffectiveTimeOf(*t));  // when it was done
  t->set_evidence_ref(r.evidence_ref);
  t->set_note(r.note);
  TH_RETURN_IF_ERROR(domain::ValidateCase(out));
  return out;
}

}  // namespace

absl::TimeZone ChinaTimeZone() { return absl::FixedTimeZone(8 * 3600); }

std::string ChinaDay(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, ChinaTimeZone()); }

absl::CivilDay ChinaCivilDay(absl::Time t) { return absl::ToCivilDay(t, ChinaTimeZone()); }

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::CivilDay DayAfterMonths(absl::CivilDay from, int months) {
  const absl::CivilMonth target = absl::CivilMonth(from) + months;
  // CivilDay normalises 02-31 to 03-03; a month without the corresponding day ends the period
  // on its last day instead (the day before the next month's first).
  absl::CivilDay day(target.year(), target.month(), from.day());
  if (day.month() != target.month()) day = absl::CivilDay(target + 1) - 1;
  return day;
}

google::protobuf::Timestamp DeadlineToProto(absl::CivilDay day) {
  return ToProto(absl::FromCivil(day, ChinaTimeZone()));
}

absl::CivilDay DeadlineDayOf(const google::protobuf::Timestamp& t) {
  return ChinaCivilDay(FromProto(t));
}

absl::StatusOr<std::optional<absl::CivilDay>> RequestedDeadline(
    absl::string_view field, const google::protobuf::Timestamp* t, absl::string_view day) {
  std::optional<absl::CivilDay> from_day;
  if (!day.empty()) {
    TH_ASSIGN_OR_RETURN(from_day, ParseDayField(absl::StrCat(field, "_day"), day));
  }
  if (t == nullptr) return from_day;
  const absl::CivilDay from_time = DeadlineDayOf(*t);
  if (from_day.has_value() && *from_day != from_time) {
    return Invalid(field, absl::StrCat("names the day ", DayText(from_time), " (China time) but ",
                                       field, "_day names ", DayText(*from_day)));
  }
  return from_time;
}

absl::StatusOr<absl::CivilDay> ParseDayField(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return Invalid(field, absl::StrCat("'", text, "' is not a day (YYYY-MM-DD)"));
  }
  return day;
}

absl::CivilDay EffectiveDayOf(const v1::CaseTransition& t) {
  absl::CivilDay day;
  if (!t.effective_day().empty() && absl::ParseCivilTime(t.effective_day(), &day)) return day;
  return ChinaCivilDay(FromProto(t.at()));
}

absl::Time EffectiveTimeOf(const v1::CaseTransition& t) {
  const absl::CivilDay day = EffectiveDayOf(t);
  if (day == ChinaCivilDay(FromProto(t.at()))) return FromProto(t.at());
  return absl::FromCivil(day, ChinaTimeZone());
}

void ShowDeadlines(v1::EnforcementCase* c) {
  if (c->has_deadline()) {
    const absl::CivilDay day = DeadlineDayOf(c->deadline());
    *c->mutable_deadline() = DeadlineToProto(day);
    c->set_deadline_day(DayText(day));
  } else {
    c->clear_deadline_day();
  }
  for (v1::CaseTransition& t : *c->mutable_history()) {
    if (!t.has_deadline()) continue;
    const absl::CivilDay day = DeadlineDayOf(t.deadline());
    *t.mutable_deadline() = DeadlineToProto(day);
    t.set_deadline_day(DayText(day));
  }
}

std::string StateNames(const std::vector<v1::CaseState>& states) {
  if (states.empty()) return "none, the case is finished";
  std::vector<std::string> names;
  for (CaseState s : states) names.push_back(StateName(s));
  return absl::StrJoin(names, ", ");
}

bool IsTerminal(v1::Dimension dimension, v1::CaseState state) {
  return StructuralNext(dimension, state).empty();
}

bool IsExitState(v1::Dimension dimension, v1::CaseState state) {
  switch (dimension) {
    case v1::DIMENSION_ENERGY:
    case v1::DIMENSION_ENVIRONMENT:
    case v1::DIMENSION_TECHNOLOGY:
      return state == v1::CASE_STATE_CLOSED_EXITED;
    case v1::DIMENSION_SAFETY:
      return state == v1::CASE_STATE_CLOSED_EXITED || state == v1::CASE_STATE_LICENCES_REVOKED;
    case v1::DIMENSION_QUALITY:
      return state == v1::CASE_STATE_LICENCES_REVOKED;
    default:
      return false;
  }
}

std::optional<CaseClosure> ClosureOf(const v1::EnforcementCase& c) {
  const bool exited = IsExitState(c.dimension(), c.state());
  if (!exited && (c.state() == v1::CASE_STATE_UNSPECIFIED || !IsTerminal(c.dimension(), c.state())))
    return std::nullopt;
  for (const v1::CaseTransition& t : c.history()) {
    if (t.to_state() == t.from_state()) continue;  // a sealing step
    if (IsExitState(c.dimension(), t.to_state()) || IsTerminal(c.dimension(), t.to_state())) {
      return CaseClosure{EffectiveTimeOf(t), t.to_state(), exited};
    }
  }
  if (c.history_size() > 0) {
    return CaseClosure{EffectiveTimeOf(c.history(c.history_size() - 1)), c.state(), exited};
  }
  return CaseClosure{FromProto(c.found_at()), c.state(), exited};
}

std::vector<v1::CaseState> AllowedNext(const v1::EnforcementCase& c) {
  return StructuralNext(c.dimension(), c.state());
}

std::vector<v1::CaseState> AllowedNext(const v1::EnforcementCase& c, absl::Time now) {
  std::vector<CaseState> out;
  for (CaseState s : StructuralNext(c.dimension(), c.state())) {
    if (ConditionFor(c, s, now).ok()) out.push_back(s);
  }
  return out;
}

bool IsOverdue(const v1::EnforcementCase& c, absl::Time now) {
  return DeadlineRunsIn(c.state()) && c.has_deadline() &&
         ChinaCivilDay(now) > DeadlineDayOf(c.deadline());
}

absl::StatusOr<v1::EnforcementCase> OpenCase(const CaseOpening& o, const Clock& clock) {
  const absl::Time now = clock.Now();
  TH_RETURN_IF_ERROR(RequireText("actor", o.actor));
  TH_RETURN_IF_ERROR(RequireText("evidence_ref", o.evidence_ref));
  TH_RETURN_IF_ERROR(RequireText("enforcement_case.finding", o.finding));
  const absl::Time found_at = o.found_at.value_or(now);
  if (found_at > now) {
    return Invalid(
        "enforcement_case.found_at",
        absl::StrCat(FormatCst(found_at), " is in the future (now ", FormatCst(now), ")"));
  }
  v1::EnforcementCase c;
  c.set_case_id(o.case_id);
  c.set_credit_code(o.credit_code);
  c.set_region_code(o.region_code);
  c.set_industry(o.industry);
  c.set_dimension(o.dimension);
  c.set_state(v1::CASE_STATE_FOUND);
  c.set_finding(o.finding);
  c.set_rule_ref(o.rule_ref);
  *c.mutable_found_at() = ToProto(found_at);
  c.set_capacity(o.capacity);
  c.set_capacity_unit(o.capacity_unit);
  c.set_equipment_id(o.equipment_id);
  v1::CaseTransition* t = c.add_history();
  t->set_from_state(v1::CASE_STATE_UNSPECIFIED);
  t->set_to_state(v1::CASE_STATE_FOUND);
  t->set_actor(o.actor);
  *t->mutable_at() = ToProto(now);
  t->set_effective_day(ChinaDay(found_at));
  t->set_evidence_ref(o.evidence_ref);
  t->set_note(o.note);
  TH_RETURN_IF_ERROR(domain::ValidateCase(c));
  return c;
}

absl::StatusOr<v1::EnforcementCase> Advance(const v1::EnforcementCase& c, const Transition& r,
                                            const Clock& clock) {
  const absl::Time now = clock.Now();
  TH_RETURN_IF_ERROR(CheckRequestBasics(r));
  if (r.sealing_step != v1::SEALING_STEP_UNSPECIFIED) return RecordSealingStep(c, r, now);

  const std::vector<CaseState> structural = StructuralNext(c.dimension(), c.state());
  if (std::find(structural.begin(), structural.end(), r.to) == structural.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c.case_id(), ": a ", domain::DimensionCode(c.dimension()),
                     " case in ", StateName(c.state()), " cannot go to ", StateName(r.to),
                     "; allowed next: ", StateNames(AllowedNext(c, now))));
  }
  if (absl::Status condition = ConditionFor(c, r.to, now); !condition.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(condition.message(), "; allowed next: ", StateNames(AllowedNext(c, now))));
  }

  TH_ASSIGN_OR_RETURN(const absl::CivilDay effective, EffectiveDayFor(c, r, now));
  v1::EnforcementCase out = c;
  ShowDeadlines(&out);  // a case stored before issue 18 is written in the current form
  const absl::Time at = StepTime(c, now);
  v1::CaseTransition* t = out.add_history();
  t->set_from_state(c.state());
  t->set_to_state(r.to);
  t->set_actor(r.actor);
  *t->mutable_at() = ToProto(at);
  t->set_effective_day(DayText(effective));
  t->set_evidence_ref(r.evidence_ref);
  t->set_note(r.note);
  out.set_state(r.to);

  // Deadlines: days in China time, inclusive (case_machine.h).
  const bool energy = c.dimension() == v1::DIMENSION_ENERGY;
  const absl::CivilDay today = ChinaCivilDay(now);
  std::optional<absl::CivilDay> deadline;
  if (energy && r.to == v1::CASE_STATE_RECTIFYING) {
    if (r.deadline.has_value()) {
      return Invalid("deadline",
                     "an ENERGY rectification deadline is fixed by the plan at 6 "
                     "months after found_at; leave it unset");
    }
    deadline = DayAfterMonths(ChinaCivilDay(FromProto(c.found_at())), kEnergyRectifyMonths);
  } else if (energy && r.to == v1::CASE_STATE_EXTENDED) {
    const absl::CivilDay current =
        c.has_deadline()
            ? DeadlineDayOf(c.deadline())
            : DayAfterMonths(ChinaCivilDay(FromProto(c.found_at())), kEnergyRectifyMonths);
    const absl::CivilDay limit = DayAfterMonths(current, kEnergyMaxExtensionMonths);
    if (r.deadline.has_value()) {
      if (*r.deadline <= current) {
        return Invalid("deadline",
                       absl::StrCat("an extension must end after the current deadline ",
                                    DayText(current), "; asked for ", DayText(*r.deadline)));
      }
      if (*r.deadline > limit) {
        return Invalid(
            "deadline",
            absl::StrCat("an extension may last at most 3 months after the current deadline ",
                         DayText(current), ", so end on ", DayText(limit),
                         " at the latest; asked for ", DayText(*r.deadline)));
      }
      deadline = *r.deadline;
    } else {
      deadline = limit;
    }
    out.set_extensions(c.extensions() + 1);
  } else if (DeadlineRunsIn(r.to)) {
    if (r.deadline.has_value()) {
      if (*r.deadline < today) {
        return Invalid("deadline", absl::StrCat(DayText(*r.deadline), " is already past (today is ",
                                                DayText(today), " in China time)"));
      }
      deadline = *r.deadline;
    } else if (c.dimension() == v1::DIMENSION_QUALITY && r.to == v1::CASE_STATE_SUSPENDED) {
      return Invalid("deadline",
                     "is required: a QUALITY case stops production and rectifies by a deadline");
    }
  } else if (r.deadline.has_value()) {
    return Invalid("deadline", absl::StrCat("is not used when going to ", StateName(r.to)));
  }
  if (deadline.has_value()) {
    *out.mutable_deadline() = DeadlineToProto(*deadline);
    out.set_deadline_day(DayText(*deadline));
    *t->mutable_deadline() = DeadlineToProto(*deadline);
    t->set_deadline_day(DayText(*deadline));
  } else if (!DeadlineRunsIn(r.to)) {
    out.clear_deadline();  // no deadline runs any more; the history keeps the old ones
    out.clear_deadline_day();
  }

  // Per-target details.
  switch (r.to) {
    case v1::CASE_STATE_CLOSURE_APPROVED:
      TH_RETURN_IF_ERROR(RequireText("approving_authority", r.approving_authority));
      t->set_approving_authority(r.approving_authority);
      break;
    case v1::CASE_STATE_ACCEPTED: {
      const std::string inspector = r.inspected_by.empty() ? r.actor : r.inspected_by;
      TH_RETURN_IF_ERROR(RequireText("inspected_by", inspector));
      const absl::Time inspected = r.inspected_at.value_or(now);
      if (inspected > now) {
        return Invalid("inspected_at", absl::StrCat(FormatCst(inspected), " is in the future"));
      }
      const absl::Time previous = c.history_size() > 0
                                      ? FromProto(c.history(c.history_size() - 1).at())
                                      : absl::InfinitePast();
      if (inspected < previous) {
        return Invalid("inspected_at",
                       absl::StrCat(FormatCst(inspected), " is before the case reached ",
                                    StateName(c.state()), " at ", FormatCst(previous)));
      }
      t->set_inspected_by(inspector);
      *t->mutable_inspected_at() = ToProto(inspected);
      out.set_accepted_by(inspector);
      *out.mutable_accepted_at() = ToProto(inspected);
      break;
    }
    case v1::CASE_STATE_LICENCE_CANCELLED:
      TH_RETURN_IF_ERROR(RequireText("closing_case_id", r.closing_case_id));
      out.set_closing_case_id(r.closing_case_id);
      break;
    default:
      break;
  }
  TH_RETURN_IF_ERROR(domain::ValidateCase(out));
  return out;
}

absl::StatusOr<v1::EnforcementCase> LicenceCancellationFor(const v1::EnforcementCase& closing,
                                                           const std::string& actor,
                                                           const std::string& evidence_ref,
                                                           const Clock& clock) {
  if (closing.dimension() == v1::DIMENSION_QUALITY) {
    return Invalid("closing.dimension",
                   "a production licence is cancelled after a closure under another dimension");
  }
  if (!domain::IndustryHasQualityDimension(closing.industry())) {
    return Invalid("closing.industry",
                   absl::StrCat(domain::IndustryCode(closing.industry()),
                                " is outside the Product Quality Law: no production licence"));
  }
  if (closing.state() != v1::CASE_STATE_CLOSED_EXITED &&
      !(closing.dimension() == v1::DIMENSION_SAFETY &&
        closing.state() == v1::CASE_STATE_LICENCES_REVOKED)) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", closing.case_id(), " is in ", StateName(closing.state()),
                     ", not CLOSED_EXITED: the plant is not closed yet"));
  }
  CaseOpening o;
  o.case_id = absl::StrCat("qlc-", closing.case_id());
  o.credit_code = closing.credit_code();
  o.region_code = closing.region_code();
  o.industry = closing.industry();
  o.dimension = v1::DIMENSION_QUALITY;
  o.finding = absl::StrCat("依法关停 (", domain::DimensionCode(closing.dimension()), " case ",
                           closing.case_id(), "): 注销生产许可证");
  o.rule_ref = "产品质量: 对因工艺装备落后、环保和能耗不达标被依法关停的企业，注销生产许可证";
  o.actor = actor;
  o.evidence_ref = evidence_ref;
  o.capacity = closing.capacity();
  o.capacity_unit = closing.capacity_unit();
  TH_ASSIGN_OR_RETURN(v1::EnforcementCase opened, OpenCase(o, clock));
  Transition t;
  t.to = v1::CASE_STATE_LICENCE_CANCELLED;
  t.actor = actor;
  t.evidence_ref = evidence_ref;
  t.closing_case_id = closing.case_id();
  return Advance(opened, t, clock);
}

}  // namespace tierhub::domain
