using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Scheduling.Model;

/// <summary>
/// A problem that passed every rule of the format, frozen (its lists copied, so a later change to the caller's lists
/// cannot reach it) and with its calendar built at most once. <see cref="Serialization.ProblemFile.TryRead(string, out ValidatedProblem?)"/>
/// and <see cref="TryCreate"/> make one; solving, re-planning, recommendations and waitlist fill take it without
/// validating again. Immutable; thread safe.
/// </summary>
public sealed class ValidatedProblem
{
    private readonly Lazy<Calendar> _calendar;

    private ValidatedProblem(Problem problem, Calendar? calendar)
    {
        Problem = problem;
        _calendar = calendar is null ? new Lazy<Calendar>(() => new Calendar(problem)) : new Lazy<Calendar>(calendar);
    }

    /// <summary>Gets the problem, as validated.</summary>
    public Problem Problem { get; }

    /// <summary>Gets the problem's calendar, built on first use.</summary>
    internal Calendar Calendar => _calendar.Value;

    /// <summary>Validates a problem built in code.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="validated">The validated problem, when there are no errors.</param>
    /// <returns>Every error, each with its path in the problem file's terms; empty when valid.</returns>
    public static IReadOnlyList<ValidationError> TryCreate(Problem problem, out ValidatedProblem? validated)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var frozen = Freeze(problem);
        var errors = ProblemValidator.Validate(frozen, out var calendar);
        validated = errors.Count == 0 ? new ValidatedProblem(frozen, calendar) : null;
        return errors;
    }

    /// <summary>Validates a problem built in code.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>The validated problem.</returns>
    /// <exception cref="ProblemValidationException">The problem is invalid; the exception lists every error.</exception>
    public static ValidatedProblem Create(Problem problem)
    {
        var errors = TryCreate(problem, out var validated);
        return errors.Count > 0 ? throw new ProblemValidationException(errors) : validated!;
    }

    /// <summary>A problem the file reader has just built (its lists are its own) and validated, with the calendar validation built if any.</summary>
    internal static ValidatedProblem Read(Problem problem, Calendar? calendar) => new(problem, calendar);

    /// <summary>The problem with every list copied; nulls stay for validation to report.</summary>
    private static Problem Freeze(Problem p)
    {
        static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? list) => list is null ? null! : [.. list];
        static WeeklyHours? Hours(WeeklyHours? h) => h is null ? null : h with { Days = Copy(h.Days) };
        static IReadOnlyList<WeeklyHours>? AllHours(IReadOnlyList<WeeklyHours>? hours) => hours is null ? null : [.. hours.Select(h => Hours(h)!)];
        return p with
        {
            Facilities = Copy(p.Facilities?.Select(f => f is null ? null! : f with { Hours = AllHours(f.Hours) }).ToList()),
            Rooms = Copy(p.Rooms?.Select(r => r is null ? null! : r with { Features = Copy(r.Features), Unavailable = Copy(r.Unavailable) }).ToList()),
            Providers = Copy(p.Providers?.Select(o => o is null ? null! : o with
            {
                Skills = Copy(o.Skills),
                Availability = Copy(o.Availability?.Select(a => a is null ? null! : a with { Hours = Hours(a.Hours)! }).ToList()),
                TimeOff = Copy(o.TimeOff),
            }).ToList()),
            Patients = Copy(p.Patients?.Select(o => o is null ? null! : o with { Hours = AllHours(o.Hours), Unavailable = Copy(o.Unavailable) }).ToList()),
            AppointmentTypes = Copy(p.AppointmentTypes?.Select(t => t is null ? null! : t with { RoomFeatures = Copy(t.RoomFeatures), Equipment = Copy(t.Equipment) }).ToList()),
            Requests = Copy(p.Requests?.Select(r => r is null ? null! : r with { After = Copy(r.After) }).ToList()),
            Fixed = Copy(p.Fixed),
            Equipment = Copy(p.Equipment),
            Series = Copy(p.Series?.Select(s => s is null ? null! : s with { RequestIds = Copy(s.RequestIds) }).ToList()),
        };
    }
}
