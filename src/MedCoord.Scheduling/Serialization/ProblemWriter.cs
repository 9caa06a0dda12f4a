using System.Globalization;
using System.Text.Json;
using MedCoord.Scheduling.Model;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Writes a <see cref="Problem"/> as a format v1 problem file; optional fields at their defaults are left out.</summary>
internal static class ProblemWriter
{
    private static readonly string[] WeekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly LocalTimePattern ClockPattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public static string Write(Problem problem)
    {
        return JsonWriting.Document(w =>
        {
            w.WriteStartObject("horizon");
            w.WriteString("start", Date(problem.Horizon.Start));
            w.WriteString("end", Date(problem.Horizon.End));
            w.WriteEndObject();
            Array(w, "facilities", problem.Facilities, f =>
            {
                w.WriteString("id", f.Id);
                w.WriteString("timeZone", f.Zone.Id);
                if (f.Hours is not null)
                {
                    Weekly(w, "hours", f.Hours);
                }
            });
            Array(w, "rooms", problem.Rooms, r =>
            {
                w.WriteString("id", r.Id);
                w.WriteString("facility", r.FacilityId);
                Strings(w, "features", r.Features);
                Blocks(w, "unavailable", r.Unavailable);
                if (r.Capacity != 1)
                {
                    w.WriteNumber("capacity", r.Capacity);
                }
            });
            if (problem.Equipment.Count > 0)
            {
                Array(w, "equipment", problem.Equipment, e =>
                {
                    w.WriteString("id", e.Id);
                    w.WriteString("facility", e.FacilityId);
                    w.WriteString("kind", e.Kind);
                    w.WriteNumber("count", e.Count);
                });
            }

            Array(w, "providers", problem.Providers, p =>
            {
                w.WriteString("id", p.Id);
                Strings(w, "skills", p.Skills);
                Array(w, "availability", p.Availability, a =>
                {
                    w.WriteString("facility", a.FacilityId);
                    WeeklyFields(w, a.Hours);
                });
                Blocks(w, "timeOff", p.TimeOff);
                if (p.DailyCap is { } cap)
                {
                    w.WriteNumber("dailyCap", cap);
                }
            });
            Array(w, "patients", problem.Patients, p =>
            {
                w.WriteString("id", p.Id);
                if (p.Zone is not null)
                {
                    w.WriteString("timeZone", p.Zone.Id);
                }

                if (p.Hours is not null)
                {
                    Weekly(w, "hours", p.Hours);
                }

                Blocks(w, "unavailable", p.Unavailable);
                if (p.PreviousProviderId is not null)
                {
                    w.WriteString("previousProvider", p.PreviousProviderId);
                }
            });
            Array(w, "appointmentTypes", problem.AppointmentTypes, t =>
            {
                w.WriteString("id", t.Id);
                w.WriteNumber("durationMinutes", t.DurationMinutes);
                if (t.ProviderSkill is not null)
                {
                    w.WriteString("providerSkill", t.ProviderSkill);
                }

                if (t.RoomFeatures.Count > 0)
                {
                    Strings(w, "roomFeatures", t.RoomFeatures);
                }

                if (t.BufferMinutes != 0)
                {
                    w.WriteNumber("bufferMinutes", t.BufferMinutes);
                }

                if (t.Equipment.Count > 0)
                {
                    Strings(w, "equipment", t.Equipment);
                }
            });
            Array(w, "requests", problem.Requests, r =>
            {
                w.WriteString("id", r.Id);
                w.WriteString("patient", r.PatientId);
                w.WriteString("type", r.TypeId);
                if (r.Earliest is { } earliest)
                {
                    w.WriteString("earliest", Date(earliest));
                }

                if (r.Latest is { } latest)
                {
                    w.WriteString("latest", Date(latest));
                }

                w.WriteNumber("priority", r.Priority);
                if (r.DurationMinutes is { } duration)
                {
                    w.WriteNumber("durationMinutes", duration);
                }

                if (r.PreferredProviderId is not null)
                {
                    w.WriteString("preferredProvider", r.PreferredProviderId);
                }

                if (r.After.Count > 0)
                {
                    Array(w, "after", r.After, l =>
                    {
                        w.WriteString("request", l.RequestId);
                        w.WriteNumber("minGapMinutes", l.MinGapMinutes);
                        if (l.MaxGapMinutes is { } max)
                        {
                            w.WriteNumber("maxGapMinutes", max);
                        }
                        else
                        {
                            w.WriteNull("maxGapMinutes");
                        }
                    });
                }
            });
            if (problem.Series.Count > 0)
            {
                Array(w, "series", problem.Series, x =>
                {
                    w.WriteString("id", x.Id);
                    Strings(w, "requests", x.RequestIds);
                    w.WriteNumber("intervalDays", x.IntervalDays);
                    w.WriteNumber("toleranceMinutes", x.ToleranceMinutes);
                    w.WriteBoolean("sameProvider", x.SameProvider);
                });
            }

            Array(w, "fixed", problem.Fixed, f =>
            {
                w.WriteString("request", f.RequestId);
                w.WriteStringOrNull("provider", f.ProviderId);
                w.WriteStringOrNull("room", f.RoomId);
                if (f.FacilityId is not null)
                {
                    w.WriteString("facility", f.FacilityId);
                }

                w.WriteString("start", DateTime(f.Start));
            });
            if (problem.Options is { } options)
            {
                w.WriteStartObject("options");
                if (options.TimeLimit is { } limit)
                {
                    w.WriteNumber("timeLimitSeconds", Math.Round(limit.TotalSeconds, 3));
                }

                if (options.Workers is { } workers)
                {
                    w.WriteNumber("workers", workers);
                }

                if (options.Seed is { } seed)
                {
                    w.WriteNumber("seed", seed);
                }

                if (options.SoftRules is { } soft)
                {
                    w.WriteStartObject("softRules");
                    w.WriteNumber("continuityWeight", soft.Continuity);
                    w.WriteNumber("dailyCapWeight", soft.DailyCap);
                    if (soft.DefaultDailyCap is { } cap)
                    {
                        w.WriteNumber("dailyCap", cap);
                    }

                    w.WriteNumber("balanceWeight", soft.Balance);
                    w.WriteEndObject();
                }

                if (options.Conservative is { } conservative)
                {
                    w.WriteBoolean("conservative", conservative);
                }

                w.WriteEndObject();
            }

        });
    }

    private static string Date(LocalDate date) => date.ToString("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    private static string DateTime(Instant instant) => ScheduleFile.FormatDateTime(instant.WithOffset(Offset.Zero));

    private static void Array<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, Action<T> body)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            body(item);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Blocks(Utf8JsonWriter w, string name, IReadOnlyList<Interval> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        Array(w, name, blocks, b =>
        {
            w.WriteString("from", DateTime(b.Start));
            w.WriteString("to", DateTime(b.End));
        });
    }

    private static void Weekly(Utf8JsonWriter w, string name, IEnumerable<WeeklyHours> hours) => Array(w, name, hours, h => WeeklyFields(w, h));

    private static void WeeklyFields(Utf8JsonWriter w, WeeklyHours hours)
    {
        Strings(w, "days", hours.Days.Select(d => WeekdayNames[(int)d - 1]));
        w.WriteString("from", ClockPattern.Format(hours.From));
        w.WriteString("to", hours.EndsAtEndOfDay ? "24:00" : ClockPattern.Format(hours.To));
    }
}
