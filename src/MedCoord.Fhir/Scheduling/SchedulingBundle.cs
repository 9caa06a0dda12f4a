using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Validation;
using Bundle = Hl7.Fhir.Model.Bundle;

namespace MedCoord.Fhir.Scheduling;

/// <summary>
/// A scheduling problem (format v1) and its schedule as a FHIR R4 transaction Bundle, and back (docs/fhir.md,
/// "Scheduling"): facilities and rooms as Locations, providers as Practitioners with PractitionerRoles, appointment
/// types as HealthcareServices (ActivityDefinitions are read too), requests as ServiceRequests, fixed bookings and a
/// schedule's assignments as Appointments, busy time as Schedules and Slots. Thread safe.
/// </summary>
public static class SchedulingBundle
{
    /// <summary>The transaction Bundle of a problem and, optionally, a schedule of it.</summary>
    /// <param name="problem">A valid problem.</param>
    /// <param name="schedule">A schedule of the problem (assignments become booked Appointments, unscheduled requests waitlisted ones); <see langword="null"/> for none.</param>
    /// <returns>The Bundle: every entry a PUT of a resource under its id.</returns>
    /// <exception cref="ProblemValidationException">The problem is invalid.</exception>
    /// <exception cref="ValidationException">The schedule names requests, providers, rooms or facilities the problem does not have.</exception>
    public static Bundle Export(Problem problem, Schedule? schedule = null) => BundleExporter.Export(problem, schedule);

    /// <summary>Reads the scheduling problem a Bundle holds (any Bundle type), checked as a problem file is.</summary>
    /// <param name="bundle">The Bundle.</param>
    /// <returns>The problem, or every fault found, each naming its resource (type/id) and the FHIRPath of the fault.</returns>
    public static SchedulingImport Import(Bundle bundle)
    {
        var (problem, errors) = BundleImporter.Import(bundle);
        return new SchedulingImport(problem, errors);
    }
}

/// <summary>What <see cref="SchedulingBundle.Import"/> read: a valid problem, or the faults.</summary>
public sealed class SchedulingImport
{
    internal SchedulingImport(Problem? problem, IReadOnlyList<ValidationError> errors)
    {
        Problem = problem;
        Errors = errors;
    }

    /// <summary>Gets the problem, valid by every rule of the format; <see langword="null"/> when there are errors.</summary>
    public Problem? Problem { get; }

    /// <summary>Gets every fault: the path names the resource (<c>Location/main at Location.hoursOfOperation[0].openingTime</c>); empty when the problem was read.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}
