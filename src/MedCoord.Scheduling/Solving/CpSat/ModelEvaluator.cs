using Google.OrTools.Sat;

namespace MedCoord.Scheduling.Solving.CpSat;

/// <summary>
/// Checks an assignment of values against a CP-SAT model, constraint by constraint, without asking CP-SAT: variable
/// domains, and every constraint kind the library emits (linear, bool_or, bool_and, at_most_one, exactly_one,
/// intervals, no_overlap, cumulative, int_div, int_prod, lin_max), each only where its enforcement literals are all
/// true. A kind it does not know is reported as a violation, so an answer is never accepted unchecked.
/// </summary>
internal static class ModelEvaluator
{
    /// <summary>The first violation found, as a sentence naming the variable or constraint; null when every rule of the model holds.</summary>
    /// <param name="model">The model.</param>
    /// <param name="values">A value for every variable of the model, by index.</param>
    public static string? FirstViolation(CpModelProto model, IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != model.Variables.Count)
        {
            return $"the solution has {values.Count} values for {model.Variables.Count} variables";
        }

        for (var i = 0; i < model.Variables.Count; i++)
        {
            if (!InDomain(model.Variables[i].Domain, values[i]))
            {
                return $"variable {i}: {values[i]} is outside its domain";
            }
        }

        for (var c = 0; c < model.Constraints.Count; c++)
        {
            var constraint = model.Constraints[c];
            if (!constraint.EnforcementLiteral.All(l => IsTrue(values, l)))
            {
                continue;
            }

            var why = Violation(model, constraint, values);
            if (why is not null)
            {
                return $"constraint {c} ({constraint.ConstraintCase}): {why}";
            }
        }

        foreach (var literal in model.Assumptions)
        {
            if (!IsTrue(values, literal))
            {
                return $"assumption {literal}: it is false";
            }
        }

        return null;
    }

    /// <summary>The model's objective at the given values, as CP-SAT reports it (offset and scaling applied).</summary>
    public static double Objective(CpModelProto model, IReadOnlyList<long> values)
    {
        var objective = model.Objective;
        var sum = 0L;
        for (var i = 0; i < objective.Vars.Count; i++)
        {
            var v = objective.Vars[i];
            sum = checked(sum + (objective.Coeffs[i] * (v >= 0 ? values[v] : -values[-v - 1])));
        }

        return (sum + objective.Offset) * (objective.ScalingFactor == 0 ? 1 : objective.ScalingFactor);
    }

    private static string? Violation(CpModelProto model, ConstraintProto c, IReadOnlyList<long> values)
    {
        switch (c.ConstraintCase)
        {
            case ConstraintProto.ConstraintOneofCase.Linear:
            {
                var sum = 0L;
                for (var i = 0; i < c.Linear.Vars.Count; i++)
                {
                    sum = checked(sum + (c.Linear.Coeffs[i] * values[c.Linear.Vars[i]]));
                }

                return InDomain(c.Linear.Domain, sum) ? null : $"the sum is {sum}, outside the constraint's domain";
            }

            case ConstraintProto.ConstraintOneofCase.BoolOr:
                return c.BoolOr.Literals.Any(l => IsTrue(values, l)) ? null : "no literal is true";
            case ConstraintProto.ConstraintOneofCase.BoolAnd:
                return c.BoolAnd.Literals.All(l => IsTrue(values, l)) ? null : "a literal is false";
            case ConstraintProto.ConstraintOneofCase.AtMostOne:
                return c.AtMostOne.Literals.Count(l => IsTrue(values, l)) <= 1 ? null : "more than one literal is true";
            case ConstraintProto.ConstraintOneofCase.ExactlyOne:
                return c.ExactlyOne.Literals.Count(l => IsTrue(values, l)) == 1 ? null : "not exactly one literal is true";
            case ConstraintProto.ConstraintOneofCase.Interval:
            {
                var (start, size, end) = (Value(c.Interval.Start, values), Value(c.Interval.Size, values), Value(c.Interval.End, values));
                return size < 0 ? $"its size is {size}" : start + size != end ? $"start {start} + size {size} != end {end}" : null;
            }

            case ConstraintProto.ConstraintOneofCase.NoOverlap:
            {
                var present = Present(model, c.NoOverlap.Intervals, values).Where(x => x.End > x.Start).OrderBy(x => x.Start).ToList();
                for (var i = 1; i < present.Count; i++)
                {
                    if (present[i].Start < present[i - 1].End)
                    {
                        return $"intervals {present[i - 1].Index} [{present[i - 1].Start}, {present[i - 1].End}) and {present[i].Index} [{present[i].Start}, {present[i].End}) overlap";
                    }
                }

                return null;
            }

            case ConstraintProto.ConstraintOneofCase.Cumulative:
            {
                // A sweep over starts and ends (an end frees its demand before a start at the same minute takes it).
                var capacity = Value(c.Cumulative.Capacity, values);
                var events = new List<(long At, long Change)>();
                for (var i = 0; i < c.Cumulative.Intervals.Count; i++)
                {
                    var interval = c.Cumulative.Intervals[i];
                    if (!IsPresent(model, interval, values))
                    {
                        continue;
                    }

                    var (start, end) = (Value(model.Constraints[interval].Interval.Start, values), Value(model.Constraints[interval].Interval.End, values));
                    if (end > start)
                    {
                        var demand = Value(c.Cumulative.Demands[i], values);
                        events.Add((start, demand));
                        events.Add((end, -demand));
                    }
                }

                events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Change.CompareTo(b.Change));
                var load = 0L;
                foreach (var (at, change) in events)
                {
                    load = checked(load + change);
                    if (load > capacity)
                    {
                        return $"demand {load} at {at} exceeds capacity {capacity}";
                    }
                }

                return null;
            }

            case ConstraintProto.ConstraintOneofCase.IntDiv:
            {
                var (target, numerator, denominator) = (Value(c.IntDiv.Target, values), Value(c.IntDiv.Exprs[0], values), Value(c.IntDiv.Exprs[1], values));
                return denominator == 0 ? "division by zero" : target == numerator / denominator ? null : $"{target} != {numerator} / {denominator}";
            }

            case ConstraintProto.ConstraintOneofCase.IntProd:
            {
                var product = c.IntProd.Exprs.Aggregate(1L, (p, e) => checked(p * Value(e, values)));
                return Value(c.IntProd.Target, values) == product ? null : $"the target is not the product {product}";
            }

            case ConstraintProto.ConstraintOneofCase.LinMax:
            {
                var max = c.LinMax.Exprs.Count == 0 ? long.MinValue : c.LinMax.Exprs.Max(e => Value(e, values));
                return Value(c.LinMax.Target, values) == max ? null : $"the target is not the maximum {max}";
            }

            default:
                return $"the kind {c.ConstraintCase} cannot be checked";
        }
    }

    private static IEnumerable<(int Index, long Start, long End)> Present(CpModelProto model, IEnumerable<int> intervals, IReadOnlyList<long> values) =>
        intervals.Where(i => IsPresent(model, i, values))
            .Select(i => (i, Value(model.Constraints[i].Interval.Start, values), Value(model.Constraints[i].Interval.End, values)));

    private static bool IsPresent(CpModelProto model, int interval, IReadOnlyList<long> values) =>
        model.Constraints[interval].EnforcementLiteral.All(l => IsTrue(values, l));

    /// <summary>A literal reference: a variable's index, or <c>-index - 1</c> for its negation.</summary>
    private static bool IsTrue(IReadOnlyList<long> values, int literal) =>
        literal >= 0 ? values[literal] == 1 : values[-literal - 1] == 0;

    private static long Value(LinearExpressionProto e, IReadOnlyList<long> values)
    {
        var sum = e.Offset;
        for (var i = 0; i < e.Vars.Count; i++)
        {
            sum = checked(sum + (e.Coeffs[i] * values[e.Vars[i]]));
        }

        return sum;
    }

    /// <summary>Whether a value lies in a domain written as sorted [low, high] pairs.</summary>
    private static bool InDomain(IReadOnlyList<long> domain, long value)
    {
        for (var i = 0; i + 1 < domain.Count; i += 2)
        {
            if (domain[i] <= value && value <= domain[i + 1])
            {
                return true;
            }
        }

        return false;
    }
}
