using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Scheduling.Operations;

/// <summary>
/// Checks a book (a schedule a host application holds) against its problem and loads it as bookings. Every
/// appointment must name a request once, end after it starts and lie within the supported range of times. A current
/// book (for recommendations and fills) must also fit its problem exactly: a known request with that request's
/// patient, known resources of the kinds its type books, a known facility, and the request's duration. A previous book
/// (for a re-plan) may hold what the change took away (a request, a resource, a facility, a duration), which the
/// re-plan reports as moved or dropped; but a known request keeps its patient, and a book none of whose appointments
/// names a request of the problem belongs to another problem.
/// </summary>
internal static class BookReader
{
    /// <summary>Every error of the book, each with its JSON path in the book's file; empty when it fits.</summary>
    /// <param name="problem">The problem (robust to an invalid one: its errors are reported by the problem's validator).</param>
    /// <param name="book">The book.</param>
    /// <param name="previous">Whether the book was made before the problem changed (a re-plan's).</param>
    public static IReadOnlyList<ValidationError> Validate(Problem problem, Schedule book, bool previous = false)
    {
        var errors = new List<ValidationError>();
        if (book.Assignments is null)
        {
            errors.Add(new("assignments", "must not be null"));
            return errors;
        }

        var requests = ById(problem.Requests, r => r.Id);
        var types = ById(problem.AppointmentTypes, t => t.Id);
        var providers = ById(problem.Providers, p => p.Id);
        var rooms = ById(problem.Rooms, r => r.Id);
        var facilities = ById(problem.Facilities, f => f.Id);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var known = 0;
        for (var i = 0; i < book.Assignments.Count; i++)
        {
            var a = book.Assignments[i];
            var path = $"assignments[{i}]";
            if (a is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            var timesFit = CheckTimes(errors, path, a);
            if (string.IsNullOrWhiteSpace(a.RequestId))
            {
                errors.Add(new($"{path}.request", "must not be empty"));
                continue;
            }

            if (!seen.Add(a.RequestId))
            {
                errors.Add(new($"{path}.request", $"request '{a.RequestId}' is booked more than once"));
                continue;
            }

            if (!requests.TryGetValue(a.RequestId, out var request))
            {
                if (!previous)
                {
                    errors.Add(new($"{path}.request", $"unknown request '{a.RequestId}'"));
                }

                continue;
            }

            known++;
            if (a.PatientId != request.PatientId)
            {
                errors.Add(new($"{path}.patient", $"request '{a.RequestId}' is for patient '{request.PatientId}', not '{a.PatientId}'"));
            }

            if (previous || !types.TryGetValue(request.TypeId, out var type))
            {
                continue;
            }

            CheckResource(errors, $"{path}.provider", "provider", a.ProviderId, type.BooksProvider, providers.ContainsKey);
            CheckResource(errors, $"{path}.room", "room", a.RoomId, type.BooksRoom, rooms.ContainsKey);
            if (!facilities.ContainsKey(a.FacilityId))
            {
                errors.Add(new($"{path}.facility", $"unknown facility '{a.FacilityId}'"));
            }

            var minutes = timesFit ? (a.End.ToInstant() - a.Start.ToInstant()).TotalMinutes : 0;
            var duration = request.DurationMinutes ?? type.DurationMinutes;
            if (timesFit && minutes != duration)
            {
                errors.Add(new($"{path}.end", $"the appointment lasts {minutes} minutes but request '{a.RequestId}' takes {duration}"));
            }
        }

        if (previous && known == 0 && seen.Count > 0 && errors.Count == 0)
        {
            errors.Add(new("assignments", $"none of its {seen.Count} appointments names a request of the problem: it is the schedule of another problem"));
        }

        for (var i = 0; book.Unscheduled is not null && i < book.Unscheduled.Count; i++)
        {
            var u = book.Unscheduled[i];
            if (u is not null && seen.Contains(u.RequestId))
            {
                errors.Add(new($"unscheduled[{i}].request", $"request '{u.RequestId}' is also booked"));
            }
        }

        return errors;
    }

    /// <summary>Throws when the book does not fit the (validated) problem, listing every error under the input "book".</summary>
    /// <exception cref="ProblemValidationException">The book is bad input.</exception>
    public static void ThrowIfInvalid(ValidatedProblem problem, Schedule book, bool previous)
    {
        var errors = Validate(problem.Problem, book, previous);
        if (errors.Count > 0)
        {
            throw new ProblemValidationException(errors, "book");
        }
    }

    /// <summary>An appointment's times: within the supported range, the end after the start.</summary>
    private static bool CheckTimes(List<ValidationError> errors, string path, Assignment a)
    {
        var before = errors.Count;
        foreach (var (name, value) in new[] { ("start", a.Start), ("end", a.End) })
        {
            if (!SupportedRange.Contains(value))
            {
                errors.Add(new($"{path}.{name}", SupportedRange.DateTimeMessage));
            }
        }

        if (errors.Count == before && a.End.ToInstant() <= a.Start.ToInstant())
        {
            errors.Add(new($"{path}.end", "must be after start"));
        }

        return errors.Count == before;
    }

    private static Dictionary<string, T> ById<T>(IReadOnlyList<T>? items, Func<T, string?> id)
        where T : class
    {
        var byId = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            if (item is not null && id(item) is { } key)
            {
                byId.TryAdd(key, item);
            }
        }

        return byId;
    }

    /// <summary>The book's appointments as bookings (the book must be valid).</summary>
    public static Book Load(Calendar calendar, Schedule schedule)
    {
        var book = new Book();
        foreach (var a in schedule.Assignments)
        {
            book.Add(ToBooking(calendar, a));
        }

        return book;
    }

    public static Booking ToBooking(Calendar calendar, Assignment a)
    {
        var request = calendar.Requests[a.RequestId];
        var start = calendar.Timeline.ToMinute(a.Start.ToInstant());
        var end = calendar.Timeline.ToMinute(a.End.ToInstant());
        var type = calendar.TypeOf(request);
        var pools = calendar.PoolsFor(type, a.FacilityId);
        return new Booking(a.RequestId, a.PatientId, a.ProviderId, a.RoomId, start, end, end + type.BufferMinutes,
            pools is null or { Count: 0 } ? null : [.. pools.Select(p => p.Id)]);
    }

    private static void CheckResource(List<ValidationError> errors, string path, string kind, string? id, bool booked, Func<string, bool> known)
    {
        if (booked && id is null)
        {
            errors.Add(new(path, $"its appointment type books a {kind}, but none is named"));
        }
        else if (!booked && id is not null)
        {
            errors.Add(new(path, $"its appointment type books no {kind}"));
        }
        else if (id is not null && !known(id))
        {
            errors.Add(new(path, $"unknown {kind} '{id}'"));
        }
    }
}
