// Where a record lives: its primary key in the store and the region it belongs to for
// jurisdiction. Stateless; thread-safe.
#ifndef TIERHUB_SERVICES_DOMAIN_RECORD_KEY_H_
#define TIERHUB_SERVICES_DOMAIN_RECORD_KEY_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "tierhub/v1/change.pb.h"

namespace tierhub::domain {

// The stable primary key of a record. ASCII, '/'-separated; enums appear as their catalogue
// codes (MIIT, ENERGY, STEEL, KEY_SUPERVISION), never as numbers:
//   region/<code>                                       region/440606
//   ent/<credit_code>                                   ent/91440606MA3EDFR842
//   eqp/<credit_code>/<equipment_id>                    eqp/91440606MA3EDFR842/BF-2
//   list/<department>/<round_id>/<kind>/<dimension>/<credit_code>
//                                  list/ECO/2019-Q2-LISTS/KEY_SUPERVISION/ENVIRONMENT/9144...
//   round/<round_id>                                    round/2019-Q2-LISTS
//   case/<case_id>                                      case/C-2019-0001
//   target/<region_code>/<year>/<industry>/<dimension>  target/440600/2019/CERAMICS/TECHNOLOGY
//   tip/<tip_off_id>                                    tip/T-12345-0007
//   sub/<department>/<submission_id>                    sub/ECO/eco-2019q2-gd
//   subv/<department>/<submission_id>/<version, 8 digits>   subv/ECO/eco-2019q2-gd/00000002
//   waiver/<round_id>/<department>/<region_code>        waiver/2019-Q2-LISTS/ECO/440600
//   mrg/<credit_code>                                   mrg/91440606MA3EDFR842
//   elec/<credit_code>/<YYYY-MM>/<account>              elec/91440606MA3EDFR842/2019-08/0301
//   palert/<credit_code>/<YYYY-MM>                      palert/91440606MA3EDFR842/2019-08
// One list entry per (department, round, kind, dimension, enterprise): a department restating
// an enterprise in the same list overwrites its earlier entry.
// REQUIRES: ValidateRecord(record) is OK (ids then hold no '/', credit codes are canonical);
// otherwise keys may collide. Returns "" for a record with no kind set.
std::string RecordKey(const v1::Record& record);

// The first part of each kind's key, for scans by kind and for telling a key's kind.
inline constexpr char kRegionKeyPrefix[] = "region/";
inline constexpr char kEnterpriseKeyPrefix[] = "ent/";
inline constexpr char kEquipmentKeyPrefix[] = "eqp/";
inline constexpr char kListEntryKeyPrefix[] = "list/";
inline constexpr char kRoundKeyPrefix[] = "round/";
inline constexpr char kCaseKeyPrefix[] = "case/";
inline constexpr char kCityTargetKeyPrefix[] = "target/";
inline constexpr char kTipOffKeyPrefix[] = "tip/";
inline constexpr char kSubmissionKeyPrefix[] = "sub/";
inline constexpr char kSubmissionVersionKeyPrefix[] = "subv/";
inline constexpr char kLateWaiverKeyPrefix[] = "waiver/";
inline constexpr char kMergedEnterpriseKeyPrefix[] = "mrg/";

// Keys of records, for lookups without building a record.
std::string EnterpriseKey(absl::string_view credit_code);
std::string RoundKey(absl::string_view round_id);
std::string CaseKey(absl::string_view case_id);
std::string TipOffKey(absl::string_view tip_off_id);
std::string ListEntryKey(const v1::ListEntry& entry);  // RecordKey of a record holding `entry`
// Prefixes of a group of keys, for scans: one enterprise's equipment ("eqp/<credit_code>/"),
// one department's list entries ("list/<department>/"), one submission's versions
// ("subv/<department>/<submission_id>/").
std::string EquipmentKeyPrefix(absl::string_view credit_code);
std::string ListEntryKeyPrefix(v1::Department department);
std::string SubmissionVersionKeyPrefix(v1::Department department, absl::string_view submission_id);
std::string SubmissionKey(v1::Department department, absl::string_view submission_id);
std::string SubmissionVersionKey(v1::Department department, absl::string_view submission_id,
                                 uint32_t version);
std::string LateWaiverKey(absl::string_view round_id, v1::Department department,
                          absl::string_view region_code);
std::string MergedEnterpriseKey(absl::string_view credit_code);
// Electricity watch (electricity.proto): a month's reading of one grid account, and the alert
// of an enterprise and month.
inline constexpr char kElectricityReadingKeyPrefix[] = "elec/";
inline constexpr char kPowerAlertKeyPrefix[] = "palert/";
std::string ElectricityReadingKey(absl::string_view credit_code, absl::string_view month,
                                  absl::string_view account);
std::string PowerAlertKey(absl::string_view credit_code, absl::string_view month);

// The region code a record belongs to: the record's region_code, or for a region record its
// own code. A submission round carries no region and is campaign-wide: it returns the
// national root "000000", which every jurisdiction check places above everyone. Returns "" for
// a record with no kind set.
std::string RecordRegion(const v1::Record& record);

}  // namespace tierhub::domain

#endif  // TIERHUB_SERVICES_DOMAIN_RECORD_KEY_H_
