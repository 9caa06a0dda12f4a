using MedCoord.Engine;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Text;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>What <see cref="EngineBundle.Import"/> read: the records to store, or every problem found (then no records).</summary>
/// <param name="Records">The records (for <see cref="RecordsService.ImportAsync"/>); null when there are errors.</param>
/// <param name="Errors">Every problem, each with its FHIRPath into the bundle (<c>entry[2].resource.subject</c>); empty when it read.</param>
public sealed record EngineImport(RecordsImport? Records, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>Gets whether it read without errors.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads the records an EHR is the source of from a bundle: CarePlans (with their Goals), referral ServiceRequests,
/// Consents and QuestionnaireResponses. Each problem is one error naming the resource's entry and the FHIRPath of the
/// fault; messages name ids and codes only, never patient data.
/// </summary>
internal sealed class EngineImportReader
{
    /// <summary>The extension on CarePlan.activity carrying what FHIR has no element for.</summary>
    public const string CareActivityUrl = "https://medcoord.dev/fhir/StructureDefinition/care-activity";

    /// <summary>SNOMED CT 3457005 "Patient referral": a ServiceRequest with it as category or code is a referral.</summary>
    public const string ReferralCode = "3457005";

    private static readonly ActivityStatus[] Over = [ActivityStatus.Completed, ActivityStatus.Cancelled, ActivityStatus.Stopped, ActivityStatus.EnteredInError];

    private readonly ResourceLookup _lookup;
    private readonly List<ValidationError> _errors = [];
    private readonly Instant? _written;

    private EngineImportReader(R4.Bundle bundle) =>
        (_lookup, _written) = (new ResourceLookup(bundle), bundle.Timestamp is { } at ? Instant.FromDateTimeOffset(at) : null);

    public static EngineImport Read(R4.Bundle bundle)
    {
        var reader = new EngineImportReader(bundle);
        var plans = new List<CarePlanImport>();
        var referrals = new List<ReferralImport>();
        var consents = new List<Consent>();
        var intakes = new List<IntakeResponse>();
        var entries = bundle.Entry;
        for (var i = 0; i < entries.Count; i++)
        {
            var path = $"entry[{i}].resource.";
            switch (entries[i].Resource)
            {
                case R4.CarePlan plan:
                    reader.Add(plans, reader.CarePlan(plan, path));
                    break;
                case R4.ServiceRequest request when IsReferral(request):
                    reader.Add(referrals, reader.Referral(request, path));
                    break;
                case R4.Consent consent:
                    reader.Add(consents, reader.Consent(consent, path));
                    break;
                case R4.QuestionnaireResponse response:
                    reader.Add(intakes, reader.Intake(response, path));
                    break;
            }
        }

        if (plans.Count + referrals.Count + consents.Count + intakes.Count == 0 && reader._errors.Count == 0)
        {
            reader._errors.Add(new ValidationError("entry", "the bundle holds no CarePlan, referral ServiceRequest, Consent or QuestionnaireResponse"));
        }

        return reader._errors.Count > 0 ? new EngineImport(null, reader._errors) : new EngineImport(new RecordsImport(plans, referrals, consents, intakes), []);
    }

    /// <summary>A status as its FHIR code, for messages.</summary>
    private static string Code<T>(T? status)
        where T : struct, Enum => status is { } value ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(value) ?? value.ToString() : "none";

    private static bool IsReferral(R4.ServiceRequest request) =>
        request.Category.Append(request.Code).Any(c => c?.Coding.Any(x => x.System == "http://snomed.info/sct" && x.Code == ReferralCode) == true);

    private void Add<T>(List<T> list, T? record)
        where T : class
    {
        if (record is not null)
        {
            list.Add(record);
        }
    }

    private void Error(string path, string message) => _errors.Add(new ValidationError(path, message));

    /// <summary>An engine id: the identifier of <paramref name="system"/>, else the first identifier, else the resource id.</summary>
    private string? IdOf(IEnumerable<R4.Identifier> identifiers, string? resourceId, string system, string path, string noun)
    {
        var id = ResourceLookup.Pick(identifiers, system) ?? resourceId;
        if (string.IsNullOrWhiteSpace(id))
        {
            Error(path + "identifier", $"the {noun} has no identifier or id");
        }

        return id;
    }

    private string? Who(R4.ResourceReference? reference, R4.DomainResource container, string system, string path, string noun)
    {
        var id = _lookup.IdOf(reference, container, system);
        if (string.IsNullOrWhiteSpace(id))
        {
            Error(path, $"names no {noun} (a reference to it, or its identifier)");
        }

        return id;
    }

    private CarePlanImport? CarePlan(R4.CarePlan plan, string path)
    {
        var before = _errors.Count;
        var id = IdOf(plan.Identifier, plan.Id, Fhir.IdSystem("care-plan"), path, "care plan");
        var patient = Who(plan.Subject, plan, Fhir.PatientSystem, path + "subject", "patient");
        var activate = plan.Status switch
        {
            R4.RequestStatus.Draft => false,
            R4.RequestStatus.Active => true,
            _ => (bool?)null,
        };
        if (activate is null)
        {
            Error(path + "status", $"care plan '{id}': only draft and active plans are taken in, found {Code(plan.Status)}");
        }

        var goals = new List<CarePlanGoal>();
        for (var k = 0; k < plan.Goal.Count; k++)
        {
            var goal = _lookup.Find(plan.Goal[k], plan) as R4.Goal;
            if (goal is null)
            {
                Error($"{path}goal[{k}]", "not a Goal in the bundle or contained in the plan");
                continue;
            }

            var goalId = goal.Identifier.FirstOrDefault(i => i.System == Fhir.IdSystem("care-plan-goal"))?.Value is { } keyed && id is not null && keyed.StartsWith(id + "/", StringComparison.Ordinal)
                ? keyed[(id.Length + 1)..]
                : ResourceLookup.Pick(goal.Identifier, Fhir.IdSystem("care-plan-goal")) ?? goal.Id ?? $"goal-{k + 1}";
            var description = goal.Description?.Text ?? goal.Description?.Coding.FirstOrDefault()?.Display ?? goal.Description?.Coding.FirstOrDefault()?.Code ?? string.Empty;
            goals.Add(new CarePlanGoal(goalId, description, goal.LifecycleStatus switch
            {
                R4.Goal.GoalLifecycleStatus.Proposed or R4.Goal.GoalLifecycleStatus.Planned or R4.Goal.GoalLifecycleStatus.Accepted => GoalStatus.Proposed,
                R4.Goal.GoalLifecycleStatus.Completed => GoalStatus.Completed,
                R4.Goal.GoalLifecycleStatus.Cancelled or R4.Goal.GoalLifecycleStatus.EnteredInError or R4.Goal.GoalLifecycleStatus.Rejected => GoalStatus.Cancelled,
                _ => GoalStatus.Active,
            }));
        }

        var activities = new List<(int Index, CareActivity Activity)>();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < plan.Activity.Count; j++)
        {
            if (Activity(plan.Activity[j], $"{path}activity[{j}]", j) is { } read)
            {
                if (read.Over)
                {
                    skipped.Add(read.Activity.Id);
                }
                else
                {
                    activities.Add((j, read.Activity));
                }
            }
        }

        if (_errors.Count > before)
        {
            return null;
        }

        // An activity that is over has nothing left to schedule: links to it hold already.
        var kept = activities.Select(a => a.Activity with { After = [.. a.Activity.Links.Where(l => !skipped.Contains(l.ActivityId))] }).ToList();
        try
        {
            CarePlanLifecycle.Create(id!, patient!, goals, kept, "import", CheckOnly.Clock);
        }
        catch (ValidationException e)
        {
            foreach (var error in e.Errors)
            {
                Error(PlanPath(path, error.Path, activities.Select(a => a.Index).ToList()), $"care plan '{id}': {error.Path} {error.Message}");
            }

            return null;
        }

        return new CarePlanImport(id!, patient!, goals, kept, activate!.Value);
    }

    /// <summary>Where in the CarePlan an engine path (<c>activities[1].dueBy</c>, <c>goals[0].id</c>) points.</summary>
    private static string PlanPath(string path, string enginePath, IReadOnlyList<int> activityIndex)
    {
        var match = System.Text.RegularExpressions.Regex.Match(enginePath, @"^(activities|goals)\[(\d+)\](?:\.(\w+))?");
        if (!match.Success)
        {
            return path + (enginePath == "id" ? "identifier" : enginePath == "goals" ? "goal" : "activity");
        }

        var index = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (match.Groups[1].Value == "goals")
        {
            return $"{path}goal[{index}]";
        }

        // The engine's other activity rules (type, cadence, first due date, tolerance) are checked by this reader first.
        var field = match.Groups[3].Value switch
        {
            "dueBy" => ".detail.scheduled.end",
            "notBefore" => ".detail.scheduled.start",
            "id" or "priority" or "after" => $".extension('{CareActivityUrl}')",
            _ => string.Empty,
        };
        return $"{path}activity[{activityIndex[index]}]{field}";
    }

    private (CareActivity Activity, bool Over)? Activity(R4.CarePlan.ActivityComponent component, string path, int index)
    {
        if (component.Detail is not { } detail)
        {
            Error(path + ".detail", "only activities described inline (detail) are taken in");
            return null;
        }

        var before = _errors.Count;
        var extension = component.Extension.FirstOrDefault(e => e.Url == CareActivityUrl);
        var at = $"{path}.extension('{CareActivityUrl}')";
        var id = Sub<R4.FhirString>(extension, "id", at)?.Value ?? $"activity-{index + 1}";
        var priority = Sub<R4.PositiveInt>(extension, "priority", at)?.Value ?? 1;
        var tolerance = Sub<R4.UnsignedInt>(extension, "toleranceDays", at)?.Value ?? 0;
        var links = new List<ActivityLink>();
        foreach (var follows in extension?.Extension.Where(e => e.Url == "follows") ?? [])
        {
            var followsAt = $"{at}.extension('follows')";
            var first = Sub<R4.FhirString>(follows, "activity", followsAt)?.Value;
            if (string.IsNullOrEmpty(first))
            {
                Error(followsAt, $"activity '{id}': a follows link names no activity");
                continue;
            }

            links.Add(new ActivityLink(first, Sub<R4.UnsignedInt>(follows, "minGapMinutes", followsAt)?.Value ?? 0, Sub<R4.UnsignedInt>(follows, "maxGapMinutes", followsAt)?.Value));
        }

        var type = detail.Code?.Coding.FirstOrDefault(c => c.System == Fhir.AppointmentTypeSystem)?.Code
            ?? detail.Code?.Coding.FirstOrDefault(c => c.System == "https://medcoord.dev/fhir/CodeSystem/appointment-type")?.Code
            ?? detail.Code?.Coding.FirstOrDefault(c => c.Code is { Length: > 0 })?.Code;
        if (type is null)
        {
            Error(path + ".detail.code", $"activity '{id}' names no appointment type (a coding of {Fhir.AppointmentTypeSystem})");
        }

        ActivityStatus? status = detail.Status switch
        {
            R4.CarePlan.CarePlanActivityStatus.NotStarted => ActivityStatus.NotStarted,
            R4.CarePlan.CarePlanActivityStatus.Completed => ActivityStatus.Completed,
            R4.CarePlan.CarePlanActivityStatus.Cancelled => ActivityStatus.Cancelled,
            R4.CarePlan.CarePlanActivityStatus.Stopped => ActivityStatus.Stopped,
            R4.CarePlan.CarePlanActivityStatus.EnteredInError => ActivityStatus.EnteredInError,
            _ => null,
        };
        if (status is null)
        {
            Error(path + ".detail.status", $"activity '{id}': only not-started activities (and those over: completed, cancelled, stopped, entered-in-error) are taken in, found {Code(detail.Status)}; the engine books what is scheduled itself");
        }

        var activity = new CareActivity(id, ActivityKind.OneOff, type ?? string.Empty, priority);
        switch (detail.Scheduled)
        {
            case R4.Timing { Repeat: { } repeat }:
                if (repeat.Frequency is { } frequency && frequency != 1)
                {
                    Error(path + ".detail.scheduled.repeat.frequency", $"activity '{id}': one occurrence per period is taken in, found {frequency}");
                }

                activity = activity with
                {
                    Kind = ActivityKind.Recurring,
                    Every = Cadence(repeat, $"{path}.detail.scheduled.repeat", id),
                    FirstDue = DateOf((repeat.Bounds as R4.Period)?.Start, $"{path}.detail.scheduled.repeat.bounds.start", $"activity '{id}' first due date"),
                    ToleranceDays = tolerance,
                };
                break;
            case R4.Period period:
                activity = activity with
                {
                    NotBefore = period.Start is null ? null : DateOf(period.Start, $"{path}.detail.scheduled.start", $"activity '{id}' start"),
                    DueBy = period.End is null ? null : DateOf(period.End, $"{path}.detail.scheduled.end", $"activity '{id}' end"),
                };
                break;
            case null:
                break;
            default:
                Error(path + ".detail.scheduled", $"activity '{id}': a schedule is a Period (one-off or order) or a Timing with repeat (recurring)");
                break;
        }

        if (detail.Kind == R4.CarePlan.CarePlanActivityKind.ServiceRequest && activity.Kind != ActivityKind.Recurring)
        {
            activity = activity with { Kind = ActivityKind.Order };
        }

        return _errors.Count > before ? null : (activity with { After = links }, Over.Contains(status!.Value));
    }

    /// <summary>A sub-extension's value of the type it must have; a value of another type is an error, not a default.</summary>
    private T? Sub<T>(R4.Extension? extension, string url, string path)
        where T : R4.DataType
    {
        if (extension?.Extension.FirstOrDefault(e => e.Url == url) is not { } sub)
        {
            return null;
        }

        if (sub.Value is T { } value)
        {
            return value;
        }

        Error($"{path}.extension('{url}').value", $"must be a {typeof(T).Name switch { "FhirString" => "valueString", var name => "value" + name }}");
        return null;
    }

    private Period? Cadence(R4.Timing.RepeatComponent repeat, string path, string id)
    {
        var count = repeat.Period is { } p && p == decimal.Truncate(p) && p is >= 1 and <= 1000 ? (int)p : (int?)null;
        Period? every = count is not { } n ? null : repeat.PeriodUnit switch
        {
            R4.Timing.UnitsOfTime.A => Period.FromYears(n),
            R4.Timing.UnitsOfTime.Mo => Period.FromMonths(n),
            R4.Timing.UnitsOfTime.Wk => Period.FromWeeks(n),
            R4.Timing.UnitsOfTime.D => Period.FromDays(n),
            _ => null,
        };
        if (every is null)
        {
            Error(path + ".period", $"activity '{id}': the cadence is a whole number (1 to 1000) of days, weeks, months or years (periodUnit d, wk, mo, a)");
        }

        return every;
    }

    private LocalDate? DateOf(string? text, string path, string what)
    {
        if (text is { Length: >= 10 } && LocalDatePattern.Iso.Parse(text[..10]) is { Success: true } date)
        {
            return date.Value;
        }

        Error(path, $"{what}: not a full date (YYYY-MM-DD, or a date-time whose date is read as written)");
        return null;
    }

    private Instant? InstantOf(string? text, string path, string what)
    {
        if (text is not null && OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } parsed)
        {
            return parsed.Value.ToInstant();
        }

        Error(path, $"{what}: {(text is null ? "missing" : "not a date-time with a time and an offset")}");
        return null;
    }

    private ReferralImport? Referral(R4.ServiceRequest request, string path)
    {
        var before = _errors.Count;
        var id = IdOf(request.Identifier, request.Id, Fhir.IdSystem("referral"), path, "referral");
        var name = $"referral '{id}'";
        var patient = Who(request.Subject, request, Fhir.PatientSystem, path + "subject", "patient");
        var from = Who(request.Requester, request, Fhir.ProviderSystem, path + "requester", "referring provider");
        var target = request.PerformerType?.Coding.FirstOrDefault(c => c.System == Fhir.CodeSystem("referral-target"))?.Code
            ?? request.PerformerType?.Text
            ?? request.PerformerType?.Coding.FirstOrDefault(c => c.Code is { Length: > 0 })?.Code
            ?? request.Performer.Select(p => _lookup.IdOf(p, request, Fhir.IdSystem("facility"))).FirstOrDefault(p => p is not null);
        if (target is not { Length: > 0 })
        {
            Error(path + "performerType", $"{name} names no target (a specialty as performerType, or a performer)");
        }

        var sent = request.Status switch
        {
            R4.RequestStatus.Draft => false,
            R4.RequestStatus.Active => true,
            _ => (bool?)null,
        };
        if (sent is null)
        {
            Error(path + "status", $"{name}: only draft and active referrals are taken in, found {Code(request.Status)}");
        }

        var priority = request.Priority switch
        {
            R4.RequestPriority.Urgent => ReferralPriority.Urgent,
            R4.RequestPriority.Asap => ReferralPriority.Asap,
            R4.RequestPriority.Stat => ReferralPriority.Stat,
            _ => ReferralPriority.Routine,
        };
        return _errors.Count > before ? null : new ReferralImport(id!, patient!, from!, target!, priority, sent!.Value);
    }

    private Consent? Consent(R4.Consent consent, string path)
    {
        var before = _errors.Count;
        var id = IdOf(consent.Identifier, consent.Id, Fhir.IdSystem("consent"), path, "consent");
        var name = $"consent '{id}'";
        var patient = Who(consent.Patient, consent, Fhir.PatientSystem, path + "patient", "patient");
        var scope = consent.Category.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == Fhir.CodeSystem("consent-scope"))?.Code
            ?? consent.Scope?.Coding.FirstOrDefault(c => c.Code is { Length: > 0 })?.Code
            ?? consent.Scope?.Text;
        if (scope is not { Length: > 0 })
        {
            Error(path + "scope", $"{name} has no scope");
        }

        var given = consent.DateTime is not null
            ? InstantOf(consent.DateTime, path + "dateTime", name + " given")
            : InstantOf(consent.Provision?.Period?.Start, path + "provision.period.start", name + " given (dateTime, else provision.period.start)");
        var end = consent.Provision?.Period?.End is { } text ? InstantOf(text, path + "provision.period.end", name + " end") : null;
        Instant? expires = null, revoked = null;
        switch (consent.Status)
        {
            case R4.Consent.ConsentState.Active:
                expires = end;
                break;
            case R4.Consent.ConsentState.Inactive:
                // No longer in force: ended when its period did, if that was before the bundle was written; else by then at the latest.
                revoked = end is { } ended && ended <= _written ? ended : _written is { } written && written >= given ? written : given;
                break;
            case R4.Consent.ConsentState.Rejected:
                revoked = given;
                break;
            default:
                Error(path + "status", $"{name}: only active, inactive and rejected consents are taken in, found {Code(consent.Status)}");
                break;
        }

        if (given is { } g && end is { } e && (e < g || (e == g && consent.Status == R4.Consent.ConsentState.Active)))
        {
            Error(path + "provision.period.end", $"{name} ends {(e < g ? "before" : "when")} it was given");
        }

        return _errors.Count > before ? null : new Consent(id!, patient!, scope!, given!.Value, expires, revoked);
    }

    private IntakeResponse? Intake(R4.QuestionnaireResponse response, string path)
    {
        var before = _errors.Count;
        var visit = response.Identifier?.System == Fhir.IdSystem("intake-response") ? response.Identifier.Value : null;
        visit ??= _lookup.IdOf(response.Encounter, response, Fhir.IdSystem("visit")) ?? response.Identifier?.Value;
        if (string.IsNullOrWhiteSpace(visit))
        {
            Error(path + "encounter", "the questionnaire response names no visit (its encounter, or an identifier)");
        }

        var patient = Who(response.Subject, response, Fhir.PatientSystem, path + "subject", "patient");
        if (response.Status is not (R4.QuestionnaireResponse.QuestionnaireResponseStatus.Completed or R4.QuestionnaireResponse.QuestionnaireResponseStatus.Amended))
        {
            Error(path + "status", $"intake for visit '{visit}': only completed and amended responses are taken in, found {Code(response.Status)}");
        }

        var completed = InstantOf(response.Authored, path + "authored", $"intake for visit '{visit}' authored");
        return _errors.Count > before ? null : new IntakeResponse(visit!, patient!, completed!.Value);
    }
}

/// <summary>A clock for checks whose result is thrown away (a plan built only to be validated): it reads the epoch.</summary>
internal sealed class CheckOnly : IClock
{
    public static readonly IClock Clock = new CheckOnly();

    public Instant GetCurrentInstant() => NodaConstants.UnixEpoch;
}
