using System.Text.Json;
using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Fhir;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using NodaTime;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>One export: the engine's care-coordination records and audit trail into one bundle (billing in <see cref="BillingMapping"/>).</summary>
internal sealed partial class EngineMapping
{
    private readonly EngineRecords _records;
    private readonly EngineBundleOptions _options;
    private readonly BundleBuilder _bundle = new();
    private readonly HashSet<string> _patients = new(StringComparer.Ordinal);

    public EngineMapping(EngineRecords records, EngineBundleOptions options) => (_records, _options) = (records, options);

    /// <summary>The resource type each stored kind maps to (the audit trail's entries point at it).</summary>
    internal static IReadOnlyDictionary<string, (string Type, string KeyPrefix)> ResourceOfKind { get; } = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["care-plan"] = ("CarePlan", string.Empty),
        ["visit"] = ("Appointment", string.Empty),
        ["consent"] = ("Consent", string.Empty),
        ["intake-response"] = ("QuestionnaireResponse", string.Empty),
        ["result"] = ("DiagnosticReport", string.Empty),
        ["outbox-message"] = ("CommunicationRequest", string.Empty),
        ["referral"] = ("ServiceRequest", "referral/"),
        ["claim"] = ("Claim", string.Empty),
    };

    public R4.Bundle Map(IReadOnlyList<AuditEntry> trail)
    {
        var people = BillingMapping.PeopleOf(_records.Claims);
        foreach (var patient in PatientIds())
        {
            _bundle.Add(BillingMapping.Patient(patient, people.GetValueOrDefault(patient)), patient);
            _patients.Add(patient);
        }

        foreach (var plan in _records.CarePlans)
        {
            CarePlan(plan);
        }

        foreach (var visit in _records.Visits)
        {
            Visit(visit);
        }

        foreach (var consent in _records.Consents)
        {
            Consent(consent);
        }

        foreach (var intake in _records.Intakes)
        {
            Intake(intake);
        }

        foreach (var thread in _records.Results)
        {
            Result(thread);
        }

        foreach (var referral in _records.Referrals)
        {
            Referral(referral);
        }

        foreach (var message in _records.Messages)
        {
            Message(message);
        }

        var billing = new BillingMapping(_bundle, _records.ExportedAt, _records.Visits.Select(v => v.Id).ToHashSet(StringComparer.Ordinal));
        foreach (var claim in _records.Claims)
        {
            billing.Claim(claim);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in trail)
        {
            Audit(entry, seen);
        }

        return _bundle.Build(_records.ExportedAt);
    }

    private IEnumerable<string> PatientIds() =>
        new[]
        {
            _records.CarePlans.Select(r => r.PatientId), _records.Visits.Select(r => r.PatientId), _records.Consents.Select(r => r.PatientId),
            _records.Intakes.Select(r => r.PatientId), _records.Results.Select(r => r.Latest.PatientId), _records.Referrals.Select(r => r.PatientId),
            _records.Messages.Select(r => r.PatientId), _records.Claims.Select(r => r.Patient.Id),
        }.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static R4.ResourceReference PatientRef(string patientId) => BundleBuilder.Ref("Patient", patientId);

    // Care plans: the plan, a Goal per goal, an activity per activity (its booked and done visits as outcomes).
    private void CarePlan(CarePlan plan)
    {
        var goals = plan.Goals.Select(g => _bundle.Add(
            new R4.Goal
            {
                Identifier = [Fhir.Id("care-plan-goal", $"{plan.Id}/{g.Id}")],
                LifecycleStatus = g.Status switch
                {
                    GoalStatus.Proposed => R4.Goal.GoalLifecycleStatus.Proposed,
                    GoalStatus.Active => R4.Goal.GoalLifecycleStatus.Active,
                    GoalStatus.Completed => R4.Goal.GoalLifecycleStatus.Completed,
                    _ => R4.Goal.GoalLifecycleStatus.Cancelled,
                },
                Description = new R4.CodeableConcept { Text = g.Description },
                Subject = PatientRef(plan.PatientId),
            },
            BundleBuilder.Key(plan.Id, g.Id))).ToList();
        var created = plan.History.Count > 0 ? plan.History[0] : null;
        _bundle.Add(
            new R4.CarePlan
            {
                Identifier = [Fhir.Id("care-plan", plan.Id)],
                Status = Parse<R4.RequestStatus>(plan.Status.Code()),
                Intent = R4.CarePlan.CarePlanIntent.Plan,
                Subject = PatientRef(plan.PatientId),
                Created = created is null ? null : Fhir.DateTime(created.At),
                Author = created is null ? null : Fhir.Actor(created.Actor),
                Goal = goals,
                Activity = [.. plan.Activities.Select(a => Activity(plan, a))],
            },
            plan.Id);
    }

    private R4.CarePlan.ActivityComponent Activity(CarePlan plan, CareActivity activity)
    {
        var detail = new R4.CarePlan.DetailComponent
        {
            Kind = activity.Kind == ActivityKind.Order ? R4.CarePlan.CarePlanActivityKind.ServiceRequest : R4.CarePlan.CarePlanActivityKind.Appointment,
            Code = new R4.CodeableConcept { Coding = [new R4.Coding(Fhir.AppointmentTypeSystem, activity.AppointmentTypeId)], Text = $"{plan.Id}/{activity.Id}" },
            Status = Parse<R4.CarePlan.CarePlanActivityStatus>(activity.Status.Code()),
        };
        if (activity.Kind == ActivityKind.Recurring && activity.Every is { } every && activity.FirstDue is { } first)
        {
            var (count, unit) = Cadence(every);
            detail.Scheduled = new R4.Timing
            {
                Repeat = new R4.Timing.RepeatComponent { Bounds = Fhir.PeriodOf(first, null), Frequency = 1, Period = count, PeriodUnit = unit },
            };
        }
        else if (activity.DueBy is { } due)
        {
            detail.Scheduled = Fhir.PeriodOf(activity.NotBefore, due);
        }

        var outcomes = _records.Visits
            .Where(v => CarePlanLifecycle.ParseRequestId(v.BookedRequestId) is var (p, a, _) && p == plan.Id && a == activity.Id)
            .Select(v => BundleBuilder.Ref("Appointment", v.Id)).ToList();
        var progress = activity.CompletedCount > 0
            ? new List<R4.Annotation> { new() { Text = new R4.Markdown($"{activity.CompletedCount} occurrence(s) done{(activity.LastDoneOn is { } last ? $", the last on {Fhir.Text(last)}" : string.Empty)}") } }
            : [];
        return new R4.CarePlan.ActivityComponent { Detail = detail, OutcomeReference = outcomes, Progress = progress, Extension = [CareActivityExtension(activity)] };
    }

    /// <summary>What an activity is that CarePlan.activity has no element for: its id, priority, tolerance and the activities it follows.</summary>
    private static R4.Extension CareActivityExtension(CareActivity activity)
    {
        var extension = new R4.Extension { Url = EngineImportReader.CareActivityUrl };
        extension.Extension.Add(new R4.Extension("id", new R4.FhirString(activity.Id)));
        extension.Extension.Add(new R4.Extension("priority", new R4.PositiveInt(activity.Priority)));
        if (activity.Kind == ActivityKind.Recurring)
        {
            extension.Extension.Add(new R4.Extension("toleranceDays", new R4.UnsignedInt(activity.ToleranceDays)));
        }

        foreach (var link in activity.Links)
        {
            var follows = new R4.Extension { Url = "follows" };
            follows.Extension.Add(new R4.Extension("activity", new R4.FhirString(link.ActivityId)));
            follows.Extension.Add(new R4.Extension("minGapMinutes", new R4.UnsignedInt(link.MinGapMinutes)));
            if (link.MaxGapMinutes is { } max)
            {
                follows.Extension.Add(new R4.Extension("maxGapMinutes", new R4.UnsignedInt(max)));
            }

            extension.Extension.Add(follows);
        }

        return extension;
    }

    /// <summary>A cadence as Timing.repeat's period and unit: one unit when the period is whole years, months, weeks or days; days otherwise.</summary>
    private static (decimal Count, R4.Timing.UnitsOfTime Unit) Cadence(NodaTime.Period every)
    {
        var n = every;
        if (n.HasTimeComponent || (n.Years != 0 ? 1 : 0) + (n.Months != 0 ? 1 : 0) + (n.Weeks != 0 ? 1 : 0) + (n.Days != 0 ? 1 : 0) != 1)
        {
            // Normalizing folds weeks into days and whole days of hours into days.
            n = every.Normalize();
            return ((decimal)(n.Years * 365.25 + n.Months * 30.4375 + n.Days + n.Hours / 24.0), R4.Timing.UnitsOfTime.D);
        }

        return n.Years != 0 ? (n.Years, R4.Timing.UnitsOfTime.A)
            : n.Months != 0 ? (n.Months, R4.Timing.UnitsOfTime.Mo)
            : n.Weeks != 0 ? (n.Weeks, R4.Timing.UnitsOfTime.Wk)
            : (n.Days, R4.Timing.UnitsOfTime.D);
    }

    // Visits: an Appointment (the booking) and an Encounter (what happened), linked.
    private void Visit(Visit visit)
    {
        var appointment = new R4.Appointment
        {
            Identifier = [Fhir.Id("visit", visit.Id), new R4.Identifier(Fhir.RequestSystem, visit.BookedRequestId)],
            Status = Parse<R4.Appointment.AppointmentStatus>(visit.Status.Code()),
            ServiceType = [new R4.CodeableConcept { Coding = [new R4.Coding(Fhir.AppointmentTypeSystem, visit.AppointmentTypeId)] }],
            StartElement = new R4.Instant(visit.Start.ToDateTimeOffset()),
            Participant = [new R4.Appointment.ParticipantComponent { Actor = PatientRef(visit.PatientId), Status = R4.ParticipationStatus.Accepted }],
        };
        if (_options.AppointmentMinutes.TryGetValue(visit.AppointmentTypeId, out var minutes) && minutes > 0)
        {
            appointment.EndElement = new R4.Instant((visit.Start + Duration.FromMinutes(minutes)).ToDateTimeOffset());
            appointment.MinutesDuration = minutes;
        }
        else
        {
            appointment.EndElement = new R4.Instant { Extension = [Fhir.Absent("unknown")] };
        }

        // A no-show's reason goes in an extension: R4's app-4 names the status 'no-show' where the code is 'noshow', so
        // cancelationReason on a no-show never validates.
        if (visit.Status is VisitStatus.Cancelled or VisitStatus.NoShow && visit.History.Count > 0)
        {
            var reason = Fhir.Concept("visit-status", visit.Status.ToString(), visit.History[^1].Reason);
            if (visit.Status == VisitStatus.Cancelled)
            {
                appointment.CancelationReason = reason;
            }
            else if (visit.History[^1].Reason is not null)
            {
                appointment.Extension.Add(new R4.Extension(MedCoordProfiles.Base + "no-show-reason", reason));
            }
        }

        var appointmentRef = _bundle.Add(appointment, visit.Id);
        var history = new List<R4.Encounter.StatusHistoryComponent>();
        for (var i = 0; i < visit.History.Count; i++)
        {
            history.Add(new R4.Encounter.StatusHistoryComponent
            {
                Status = EncounterStatus(visit.History[i].To),
                Period = Fhir.PeriodOf(visit.History[i].At, i + 1 < visit.History.Count ? visit.History[i + 1].At : null),
            });
        }

        var began = visit.History.FirstOrDefault(h => h.To is VisitStatus.Arrived or VisitStatus.CheckedIn)?.At;
        var ended = visit.History.FirstOrDefault(h => h.To == VisitStatus.Fulfilled)?.At;
        _bundle.Add(
            new R4.Encounter
            {
                Identifier = [Fhir.Id("visit", visit.Id)],
                Status = EncounterStatus(visit.Status),
                StatusHistory = history,
                Class = new R4.Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
                ServiceType = new R4.CodeableConcept { Coding = [new R4.Coding(Fhir.AppointmentTypeSystem, visit.AppointmentTypeId)] },
                Subject = PatientRef(visit.PatientId),
                Appointment = [appointmentRef],
                Period = began is null ? null : Fhir.PeriodOf(began, ended),
            },
            visit.Id);
    }

    internal static R4.Encounter.EncounterStatus EncounterStatus(VisitStatus status) => status switch
    {
        VisitStatus.Booked => R4.Encounter.EncounterStatus.Planned,
        VisitStatus.Arrived => R4.Encounter.EncounterStatus.Arrived,
        VisitStatus.CheckedIn => R4.Encounter.EncounterStatus.InProgress,
        VisitStatus.Fulfilled => R4.Encounter.EncounterStatus.Finished,
        VisitStatus.Cancelled or VisitStatus.NoShow => R4.Encounter.EncounterStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private void Consent(Consent consent)
    {
        var ends = new[] { consent.ExpiresAt, consent.RevokedAt }.Where(e => e is not null).Min();
        var scope = consent.Scope switch
        {
            "research" => "research",
            "patient-privacy" or "privacy" => "patient-privacy",
            "adr" => "adr",
            _ => "treatment",
        };
        _bundle.Add(
            new R4.Consent
            {
                Identifier = [Fhir.Id("consent", consent.Id)],
                Status = consent.ActiveAt(_records.ExportedAt) ? R4.Consent.ConsentState.Active
                    : consent.GivenAt > _records.ExportedAt ? R4.Consent.ConsentState.Proposed : R4.Consent.ConsentState.Inactive,
                Scope = Fhir.Concept("http://terminology.hl7.org/CodeSystem/consentscope", scope, null, consent.Scope),
                Category = [new R4.CodeableConcept { Coding = [new R4.Coding("http://loinc.org", "59284-0", "Consent Document"), Fhir.Code("consent-scope", consent.Scope)] }],
                Patient = PatientRef(consent.PatientId),
                DateTime = Fhir.DateTime(consent.GivenAt),
                PolicyRule = Fhir.Concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in", null),
                Provision = new R4.Consent.provisionComponent
                {
                    Type = R4.Consent.ConsentProvisionType.Permit,
                    Period = Fhir.PeriodOf(consent.GivenAt, ends),
                },
            },
            consent.Id);
    }

    private void Intake(IntakeResponse intake) =>
        _bundle.Add(
            new R4.QuestionnaireResponse
            {
                Identifier = Fhir.Id("intake-response", intake.VisitId),
                Status = R4.QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Subject = PatientRef(intake.PatientId),
                Encounter = _records.Visits.Any(v => v.Id == intake.VisitId) ? BundleBuilder.Ref("Encounter", intake.VisitId) : null,
                Authored = Fhir.DateTime(intake.CompletedAt),
            },
            intake.VisitId);

    // Results: the order (ServiceRequest, its requester the ordering provider), the report and its observation, and a Task per relay step.
    private void Result(ResultThread thread)
    {
        var result = thread.Latest;
        var received = thread.Tasks.LastOrDefault(t => t.Version == thread.Version && t.Step == RelayStep.ProviderReview)?.CreatedAt;
        var code = new R4.CodeableConcept { Coding = [Fhir.Code("result-kind", result.Kind)], Text = result.Kind };
        var order = _bundle.Add(
            new R4.ServiceRequest
            {
                Identifier = [Fhir.Id("result", result.Id)],
                Status = R4.RequestStatus.Completed,
                Intent = R4.RequestIntent.Order,
                Code = code,
                Subject = PatientRef(result.PatientId),
                Requester = Fhir.Provider(result.OrderingProviderId),
            },
            $"result/{result.Id}");
        var category = ResultCategory(result.Kind);
        var observation = _bundle.Add(
            new R4.Observation
            {
                Identifier = [Fhir.Id("result", result.Id)],
                BasedOn = [order],
                Status = Parse<R4.ObservationStatus>(result.Status.Code()),
                Category = category is { } c ? [Fhir.Concept("http://terminology.hl7.org/CodeSystem/observation-category", c.Observation, null, null)] : [],
                Code = code,
                Subject = PatientRef(result.PatientId),
                Issued = received?.ToDateTimeOffset(),
                Interpretation = [Interpretation(result.Abnormal)],
            },
            result.Id);
        _bundle.Add(
            new R4.DiagnosticReport
            {
                Identifier = [Fhir.Id("result", result.Id)],
                Meta = new R4.Meta { VersionId = Fhir.Invariant(thread.Version) },
                BasedOn = [order],
                Status = Parse<R4.DiagnosticReport.DiagnosticReportStatus>(result.Status.Code()),
                Category = category is { } d ? [Fhir.Concept("http://terminology.hl7.org/CodeSystem/v2-0074", d.Report, null, null)] : [],
                Code = code,
                Subject = PatientRef(result.PatientId),
                Issued = received?.ToDateTimeOffset(),
                Result = [observation],
                ConclusionCode = [Interpretation(result.Abnormal)],
            },
            result.Id);
        foreach (var task in thread.Tasks)
        {
            RelayTask(result, task);
        }
    }

    internal static (string Observation, string Report)? ResultCategory(string kind) => kind switch
    {
        "lab" => ("laboratory", "LAB"),
        "imaging" => ("imaging", "RAD"),
        _ => null,
    };

    private static R4.CodeableConcept Interpretation(bool abnormal) =>
        Fhir.Concept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", abnormal ? "A" : "N", abnormal ? "Abnormal" : "Normal", null);

    private void RelayTask(IncomingResult result, RelayTask task)
    {
        var output = new List<R4.Task.OutputComponent>();
        if (task.DoneBy is { } doneBy)
        {
            output.Add(new R4.Task.OutputComponent { Type = Fhir.Concept("task-output", "done-by"), Value = Fhir.Actor(doneBy) });
        }

        if (task.ReleasedAt is { } released)
        {
            output.Add(new R4.Task.OutputComponent { Type = Fhir.Concept("task-output", "released-at"), Value = Fhir.DateTimeOf(released) });
        }

        if (task.ReleasedBy is { } releasedBy)
        {
            output.Add(new R4.Task.OutputComponent { Type = Fhir.Concept("task-output", "released-by"), Value = Fhir.Actor(releasedBy) });
        }

        _bundle.Add(
            new R4.Task
            {
                Identifier = [Fhir.Id("relay-task", task.Id)],
                Status = task.DoneAt is not null ? R4.Task.TaskStatus.Completed : task.Superseded ? R4.Task.TaskStatus.Cancelled : R4.Task.TaskStatus.Requested,
                StatusReason = task.Superseded ? Fhir.Concept("relay-task-status", "superseded", "a newer version of the result replaced it") : null,
                BusinessStatus = task.ReleasedAt is null ? null : Fhir.Concept("relay-task-status", "released"),
                Intent = R4.Task.TaskIntent.Order,
                Priority = task.Urgent ? R4.RequestPriority.Urgent : R4.RequestPriority.Routine,
                Code = Fhir.Concept("relay-step", task.Step == RelayStep.ProviderReview ? "provider-review" : "patient-notification"),
                Focus = BundleBuilder.Ref("DiagnosticReport", result.Id),
                For = PatientRef(result.PatientId),
                AuthoredOn = Fhir.DateTime(task.CreatedAt),
                ExecutionPeriod = task.DoneAt is { } done ? Fhir.PeriodOf(task.CreatedAt, done) : null,
                Owner = task.Step == RelayStep.PatientNotification && task.AssignedTo == result.PatientId ? PatientRef(task.AssignedTo) : Fhir.Provider(task.AssignedTo),
                Input = [new R4.Task.ParameterComponent { Type = Fhir.Concept("task-input", "result-version"), Value = new R4.Integer(task.Version) }],
                Output = output,
            },
            $"relay/{task.Id}");
    }

    // Referrals: what is asked (ServiceRequest) and where it stands (Task, its business status the engine's status).
    private void Referral(Referral referral)
    {
        var request = _bundle.Add(
            new R4.ServiceRequest
            {
                Identifier = [Fhir.Id("referral", referral.Id)],
                Status = ReferralRequestStatus(referral.Status),
                Intent = R4.RequestIntent.Order,
                Category = [Fhir.Concept("http://snomed.info/sct", "3457005", "Patient referral", null)],
                Code = Fhir.Concept("http://snomed.info/sct", "3457005", "Patient referral", null),
                Priority = Parse<R4.RequestPriority>(referral.Priority.Code()),
                Subject = PatientRef(referral.PatientId),
                AuthoredOn = Fhir.DateTime(referral.CreatedAt),
                Requester = Fhir.Provider(referral.FromProviderId),
                PerformerType = Fhir.Concept("referral-target", referral.Target, referral.Target),
            },
            $"referral/{referral.Id}");
        var due = referral.SentAt is { } sent && _options.Referrals.Limits.TryGetValue(referral.Priority, out var limits) ? sent + limits.Report : (Instant?)null;
        _bundle.Add(
            new R4.Task
            {
                Identifier = [Fhir.Id("referral", referral.Id)],
                BasedOn = [request],
                Status = Parse<R4.Task.TaskStatus>(referral.Status.TaskCode()),
                BusinessStatus = Fhir.Concept("referral-status", referral.Status.ToString(), referral.Status.ToString()),
                Intent = R4.Task.TaskIntent.Order,
                Priority = Parse<R4.RequestPriority>(referral.Priority.Code()),
                Focus = request,
                For = PatientRef(referral.PatientId),
                AuthoredOn = Fhir.DateTime(referral.CreatedAt),
                LastModified = referral.History.Count > 0 ? Fhir.DateTime(referral.History[^1].At) : null,
                Requester = Fhir.Provider(referral.FromProviderId),
                ExecutionPeriod = referral.SentAt is { } s ? Fhir.PeriodOf(s, null) : null,
                Restriction = due is null ? null : new R4.Task.RestrictionComponent { Period = Fhir.PeriodOf(null, due) },
            },
            $"referral/{referral.Id}");
    }

    internal static R4.RequestStatus ReferralRequestStatus(ReferralStatus status) => status switch
    {
        ReferralStatus.Draft => R4.RequestStatus.Draft,
        ReferralStatus.Sent or ReferralStatus.Accepted or ReferralStatus.Scheduled => R4.RequestStatus.Active,
        ReferralStatus.Completed or ReferralStatus.ReportReceived or ReferralStatus.Closed => R4.RequestStatus.Completed,
        ReferralStatus.Declined or ReferralStatus.Cancelled or ReferralStatus.Expired => R4.RequestStatus.Revoked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    // Outbox: every message a CommunicationRequest; a message the host reported on also a Communication.
    private void Message(OutboxMessage message)
    {
        var category = new List<R4.CodeableConcept>
        {
            Fhir.Concept("http://terminology.hl7.org/CodeSystem/communication-category", message.Purpose == MessagePurpose.Reminder ? "reminder" : "notification", null, null),
            Fhir.Concept("message-purpose", message.Purpose.ToString()),
            Fhir.Concept("message-template", message.Template),
        };
        var about = new List<R4.ResourceReference>();
        if (message.VisitId is { } visitId && _records.Visits.Any(v => v.Id == visitId))
        {
            about.Add(BundleBuilder.Ref("Appointment", visitId));
        }

        if (message.ResultId is { } resultId && _records.Results.Any(r => r.Id == resultId))
        {
            about.Add(BundleBuilder.Ref("DiagnosticReport", resultId));
        }

        var basedOn = message.TaskId is { } taskId && _records.Results.Any(r => r.Tasks.Any(t => t.Id == taskId)) ? [BundleBuilder.Ref("Task", $"relay/{taskId}")] : new List<R4.ResourceReference>();
        var request = _bundle.Add(
            new R4.CommunicationRequest
            {
                Identifier = [Fhir.Id("outbox-message", message.Id)],
                BasedOn = basedOn,
                Status = message.CancelledAt is not null ? R4.RequestStatus.Revoked
                    : message.Delivery is DeliveryResult.Delivered or DeliveryResult.Rejected ? R4.RequestStatus.Completed : R4.RequestStatus.Active,
                StatusReason = message.CancelledAt is not null ? Fhir.Concept("message-status", "cancelled", "what it announces will not happen") : null,
                Category = category,
                Subject = PatientRef(message.PatientId),
                About = about,
                Recipient = [PatientRef(message.PatientId)],
                Occurrence = Fhir.DateTimeOf(message.SendAt),
            },
            message.Id);
        if (message.Delivery is { } delivery)
        {
            _bundle.Add(
                new R4.Communication
                {
                    Identifier = [Fhir.Id("outbox-message", message.Id)],
                    BasedOn = [request],
                    Status = delivery == DeliveryResult.Delivered ? R4.EventStatus.Completed : R4.EventStatus.NotDone,
                    StatusReason = delivery == DeliveryResult.Delivered ? null : Fhir.Concept("delivery-result", delivery.ToString()),
                    Category = category,
                    Subject = PatientRef(message.PatientId),
                    About = about,
                    Recipient = [PatientRef(message.PatientId)],
                    Received = delivery == DeliveryResult.Delivered && message.ReportedAt is { } at ? Fhir.DateTime(at) : null,
                },
                message.Id);
        }
    }

    // The audit trail: an AuditEvent per entry, pointing at the resource of the record it wrote (or the patients a read named), its chain fields as details.
    private void Audit(AuditEntry entry, HashSet<string> seen)
    {
        var read = entry.EntityType == AuditEntry.ReadEntityType;
        var entities = new List<R4.AuditEvent.EntityComponent>();
        if (read)
        {
            foreach (var patient in ReadPatients(entry))
            {
                entities.Add(new R4.AuditEvent.EntityComponent
                {
                    What = _patients.Contains(patient) ? PatientRef(patient) : Fhir.Who(Fhir.PatientSystem, patient),
                    Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                    Role = new R4.Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
                });
            }
        }
        else
        {
            var found = ResourceOfKind.TryGetValue(entry.EntityType, out var resource) && _bundle.Has(resource.Type, resource.KeyPrefix + entry.EntityId);
            entities.Add(new R4.AuditEvent.EntityComponent
            {
                What = found ? BundleBuilder.Ref(resource.Type, resource.KeyPrefix + entry.EntityId) : Fhir.Who(Fhir.IdSystem(entry.EntityType), entry.EntityId),
                Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            });
        }

        var details = new List<R4.AuditEvent.DetailComponent>
        {
            new() { Type = "sequence", Value = new R4.FhirString(entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            new() { Type = "format", Value = new R4.FhirString(Fhir.Invariant(entry.Format)) },
            new() { Type = "entity-type", Value = new R4.FhirString(entry.EntityType) },
            new() { Type = "entity-id", Value = new R4.FhirString(entry.EntityId) },
            new() { Type = "previous-hash", Value = new R4.FhirString(entry.PreviousHash) },
            new() { Type = "hash", Value = new R4.FhirString(entry.Hash) },
        };
        if (entry.Content is { } content)
        {
            details.Add(new() { Type = "content", Value = new R4.FhirString(content) });
        }

        if (entry.KeyId is { } keyId)
        {
            details.Add(new() { Type = "key-id", Value = new R4.FhirString(keyId) });
        }

        entities.Add(new R4.AuditEvent.EntityComponent
        {
            What = Fhir.Who(Fhir.IdSystem("audit-entry"), entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            Role = new R4.Coding("http://terminology.hl7.org/CodeSystem/object-role", "13", "Security Resource"),
            Detail = details,
        });
        _bundle.Add(
            new R4.AuditEvent
            {
                Type = new R4.Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
                Subtype = [Fhir.Code("audit-action", entry.Action)],
                Action = read ? R4.AuditEvent.AuditEventAction.R : seen.Add($"{entry.EntityType}/{entry.EntityId}") ? R4.AuditEvent.AuditEventAction.C : R4.AuditEvent.AuditEventAction.U,
                Recorded = entry.At.ToDateTimeOffset(),
                Agent = [new R4.AuditEvent.AgentComponent { Who = Fhir.Actor(entry.Actor), Requestor = true }],
                Source = new R4.AuditEvent.SourceComponent { Observer = Fhir.Who(Fhir.Base + "system", "medcoord-engine") },
                Entity = entities,
            },
            $"audit/{entry.Sequence}");
    }

    private static IReadOnlyList<string> ReadPatients(AuditEntry entry)
    {
        if (entry.Content is not { } content)
        {
            return entry.EntityId is "-" or "*" ? [] : [entry.EntityId];
        }

        try
        {
            using var json = JsonDocument.Parse(content);
            return json.RootElement.TryGetProperty("patients", out var patients) && patients.ValueKind == JsonValueKind.Array
                ? [.. patients.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return entry.EntityId is "-" or "*" ? [] : [entry.EntityId];
        }
    }

    /// <summary>A FHIR enum from its code (the literal the engine's <see cref="FhirCodes"/> give).</summary>
    internal static T Parse<T>(string code)
        where T : struct, Enum =>
        Hl7.Fhir.Utility.EnumUtility.ParseLiteral<T>(code) ?? throw new ArgumentOutOfRangeException(nameof(code), code, $"not a {typeof(T).Name} code");
}
