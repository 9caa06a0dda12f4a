using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;
using Xunit;

namespace MedCoord.Scheduling.Tests.Solving.CpSat;

/// <summary>The library's own evaluator of CP-SAT answers, one constraint kind at a time, each held and broken.</summary>
public sealed class ModelEvaluatorTests
{
    private static string? Check(CpModel model, params long[] values) => ModelEvaluator.FirstViolation(model.Model, values);

    [Fact]
    public void FirstViolation_ValueOutsideDomain_NamesTheVariable()
    {
        var model = new CpModel();
        model.NewIntVarFromDomain(Google.OrTools.Util.Domain.FromValues([1, 5, 9]), "start[r-1]");

        Assert.Null(Check(model, 5));
        Assert.Equal("variable 0: 6 is outside its domain", Check(model, 6));
    }

    [Fact]
    public void FirstViolation_WrongNumberOfValues_IsAViolation()
    {
        var model = new CpModel();
        model.NewBoolVar("b");

        Assert.Equal("the solution has 2 values for 1 variables", Check(model, 1, 0));
    }

    [Fact]
    public void FirstViolation_Linear_HoldsOnlyInItsDomainAndOnlyWhereEnforced()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        var y = model.NewIntVar(0, 10, "y");
        var on = model.NewBoolVar("on");
        model.Add((2 * x) + y == 7).OnlyEnforceIf(on);

        Assert.Null(Check(model, 3, 1, 1));
        Assert.Null(Check(model, 3, 2, 0));
        Assert.Equal("constraint 0 (Linear): the sum is 8, outside the constraint's domain", Check(model, 3, 2, 1));
    }

    [Fact]
    public void FirstViolation_NegatedEnforcementLiteral_IsReadAsItsNegation()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        var off = model.NewBoolVar("off");
        model.Add(x == 4).OnlyEnforceIf(off.Not());

        Assert.Null(Check(model, 9, 1));
        Assert.NotNull(Check(model, 9, 0));
    }

    [Fact]
    public void FirstViolation_BooleanConstraints_EachHeldAndBroken()
    {
        var orModel = new CpModel();
        var (a, b) = (orModel.NewBoolVar("a"), orModel.NewBoolVar("b"));
        orModel.AddBoolOr([a, b.Not()]);
        Assert.Null(Check(orModel, 0, 0));
        Assert.Equal("constraint 0 (BoolOr): no literal is true", Check(orModel, 0, 1));

        var andModel = new CpModel();
        var (c, d) = (andModel.NewBoolVar("c"), andModel.NewBoolVar("d"));
        andModel.AddBoolAnd([c, d]);
        Assert.Null(Check(andModel, 1, 1));
        Assert.Equal("constraint 0 (BoolAnd): a literal is false", Check(andModel, 1, 0));

        var amoModel = new CpModel();
        var amo = Enumerable.Range(0, 3).Select(i => amoModel.NewBoolVar($"m{i}")).ToList();
        amoModel.AddAtMostOne(amo);
        Assert.Null(Check(amoModel, 0, 0, 0));
        Assert.Null(Check(amoModel, 0, 1, 0));
        Assert.Equal("constraint 0 (AtMostOne): more than one literal is true", Check(amoModel, 1, 0, 1));

        var exactlyModel = new CpModel();
        var one = Enumerable.Range(0, 3).Select(i => exactlyModel.NewBoolVar($"e{i}")).ToList();
        exactlyModel.AddExactlyOne(one);
        Assert.Null(Check(exactlyModel, 0, 1, 0));
        Assert.Equal("constraint 0 (ExactlyOne): not exactly one literal is true", Check(exactlyModel, 0, 0, 0));
    }

    [Fact]
    public void FirstViolation_IntervalAndNoOverlap_HeldAndBroken()
    {
        var model = new CpModel();
        var (s1, s2) = (model.NewIntVar(0, 100, "s1"), model.NewIntVar(0, 100, "s2"));
        var (p1, p2) = (model.NewBoolVar("p1"), model.NewBoolVar("p2"));
        var i1 = model.NewOptionalFixedSizeIntervalVar(s1, 10, p1, "i1");
        var i2 = model.NewOptionalFixedSizeIntervalVar(s2, 10, p2, "i2");
        model.AddNoOverlap([i1, i2]);

        Assert.Null(Check(model, 0, 10, 1, 1));
        Assert.Null(Check(model, 0, 5, 1, 0));
        Assert.Equal("constraint 2 (NoOverlap): intervals 0 [0, 10) and 1 [5, 15) overlap", Check(model, 0, 5, 1, 1));
    }

    [Fact]
    public void FirstViolation_IntervalWhoseEndIsNotStartPlusSize_IsAViolation()
    {
        var model = new CpModel();
        var (start, size, end) = (model.NewIntVar(0, 20, "start"), model.NewIntVar(-5, 20, "size"), model.NewIntVar(0, 40, "end"));
        model.NewIntervalVar(start, size, end, "i");

        Assert.Null(Check(model, 3, 4, 7));
        Assert.Null(Check(model, 3, 0, 3));
        Assert.Equal("constraint 0 (Interval): start 3 + size 4 != end 8", Check(model, 3, 4, 8));
        Assert.Equal("constraint 0 (Interval): its size is -1", Check(model, 3, -1, 2));
    }

    [Fact]
    public void FirstViolation_Cumulative_CountsDemandAtEveryStart()
    {
        var model = new CpModel();
        var starts = Enumerable.Range(0, 3).Select(i => model.NewIntVar(0, 100, $"s{i}")).ToList();
        var intervals = starts.Select((s, i) => model.NewFixedSizeIntervalVar(s, 10, $"i{i}")).ToList();
        var cumulative = model.AddCumulative(2);
        foreach (var interval in intervals)
        {
            cumulative.AddDemand(interval, 1);
        }

        Assert.Null(Check(model, 0, 5, 10));
        Assert.Equal("constraint 3 (Cumulative): demand 3 at 9 exceeds capacity 2", Check(model, 0, 5, 9));
    }

    [Fact]
    public void FirstViolation_IntegerDivision_TruncatesTowardZero()
    {
        var model = new CpModel();
        var (day, minute) = (model.NewIntVar(-10, 10, "day"), model.NewIntVar(-5000, 5000, "minute"));
        model.AddDivisionEquality(day, minute, 1440);

        Assert.Null(Check(model, 1, 2000));
        Assert.Null(Check(model, 0, -100));
        Assert.Equal("constraint 0 (IntDiv): 2 != 2000 / 1440", Check(model, 2, 2000));

        var byZero = new CpModel();
        var (q, n, d) = (byZero.NewIntVar(-5, 5, "q"), byZero.NewIntVar(-5, 5, "n"), byZero.NewIntVar(-5, 5, "d"));
        byZero.AddDivisionEquality(q, n, d);
        Assert.Equal("constraint 0 (IntDiv): division by zero", Check(byZero, 0, 3, 0));
    }

    [Fact]
    public void FirstViolation_ProductAndMaximum_HeldAndBroken()
    {
        var model = new CpModel();
        var (x, y, p, m) = (model.NewIntVar(0, 9, "x"), model.NewIntVar(0, 9, "y"), model.NewIntVar(0, 81, "p"), model.NewIntVar(0, 9, "m"));
        model.AddMultiplicationEquality(p, x, y);
        model.AddMaxEquality(m, [x, y]);

        Assert.Null(Check(model, 3, 4, 12, 4));
        Assert.Equal("constraint 0 (IntProd): the target is not the product 12", Check(model, 3, 4, 11, 4));
        Assert.Equal("constraint 1 (LinMax): the target is not the maximum 4", Check(model, 3, 4, 12, 3));
    }

    [Fact]
    public void FirstViolation_Cumulative_AnEndFreesItsDemandForAStartAtTheSameMinute()
    {
        var model = new CpModel();
        var starts = Enumerable.Range(0, 2).Select(i => model.NewIntVar(0, 100, $"s{i}")).ToList();
        var cumulative = model.AddCumulative(1);
        foreach (var interval in starts.Select((s, i) => model.NewFixedSizeIntervalVar(s, 10, $"i{i}")))
        {
            cumulative.AddDemand(interval, 1);
        }

        Assert.Null(Check(model, 0, 10));
        Assert.Null(Check(model, 10, 0));   // the start at 10 is met before the end at 10, and still sorted after it
        Assert.Equal("constraint 0 (Cumulative): demand 2 at 9 exceeds capacity 1", Check(model, 0, 9));
    }

    [Fact]
    public void FirstViolation_AssumptionThatIsFalse_IsAViolation()
    {
        var model = new CpModel();
        var (a, b) = (model.NewBoolVar("a"), model.NewBoolVar("b"));
        model.AddAssumptions([a, b.Not()]);

        Assert.Null(Check(model, 1, 0));
        Assert.Equal("assumption -2: it is false", Check(model, 1, 1));
    }

    [Fact]
    public void FirstViolation_SumBeyondLong_Overflows()
    {
        var model = new CpModel();
        var (x, y) = (model.NewIntVar(0, long.MaxValue / 2, "x"), model.NewIntVar(0, long.MaxValue / 2, "y"));
        model.Add((4 * x) + y <= 10);

        Assert.Throws<OverflowException>(() => Check(model, long.MaxValue / 2, 0));
    }

    [Fact]
    public void Objective_OfAMinimisationWithoutScaling_EqualsWhatTheSolverReports()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        model.Add(x >= 4);
        model.Minimize((3 * x) + 2);
        var solver = new CpSolver { StringParameters = "num_workers:1" };

        Assert.Equal(CpSolverStatus.Optimal, solver.Solve(model));
        Assert.Equal(14, ModelEvaluator.Objective(model.Model, solver.Response!.Solution.ToArray()));
        Assert.Equal(8, ModelEvaluator.Objective(model.Model, [2]));
    }

    [Fact]
    public void FirstViolation_KindItCannotCheck_IsNeverAccepted()
    {
        var model = new CpModel();
        var xs = Enumerable.Range(0, 3).Select(i => model.NewIntVar(0, 5, $"x{i}")).ToList();
        model.AddAllDifferent(xs);

        Assert.Equal("constraint 0 (AllDiff): the kind AllDiff cannot be checked", Check(model, 0, 1, 2));
    }

    [Fact]
    public void Objective_OfAMaximisation_EqualsWhatTheSolverReports()
    {
        var model = new CpModel();
        var (x, y) = (model.NewIntVar(0, 10, "x"), model.NewIntVar(0, 10, "y"));
        model.Add(x + y <= 12);
        model.Maximize((3 * x) + (2 * y) + 5);
        var solver = new CpSolver { StringParameters = "num_workers:1" };

        Assert.Equal(CpSolverStatus.Optimal, solver.Solve(model));
        Assert.Equal(solver.ObjectiveValue, ModelEvaluator.Objective(model.Model, solver.Response!.Solution.ToArray()));
        Assert.Equal(39, ModelEvaluator.Objective(model.Model, [10, 2]));
    }
    [Fact]
    public void FirstViolation_TwoEnforcementLiterals_ChecksOnlyWhenBothAreTrue()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        var (a, b) = (model.NewBoolVar("a"), model.NewBoolVar("b"));
        model.Add(x == 4).OnlyEnforceIf([a, b]);

        Assert.Null(Check(model, 9, 1, 0));
        Assert.Null(Check(model, 9, 0, 1));
        Assert.Equal("constraint 0 (Linear): the sum is 9, outside the constraint's domain", Check(model, 9, 1, 1));
    }

    [Fact]
    public void FirstViolation_NoOverlap_AnEmptyIntervalInsideAnotherDoesNotOverlapIt()
    {
        var model = new CpModel();
        var (s1, s2, size2) = (model.NewIntVar(0, 100, "s1"), model.NewIntVar(0, 100, "s2"), model.NewIntVar(0, 10, "size2"));
        var i1 = model.NewFixedSizeIntervalVar(s1, 10, "i1");
        var i2 = model.NewIntervalVar(s2, size2, s2 + size2, "i2");
        model.AddNoOverlap([i1, i2]);

        Assert.Null(Check(model, 0, 5, 0));
        Assert.Equal("constraint 2 (NoOverlap): intervals 0 [0, 10) and 1 [5, 6) overlap", Check(model, 0, 5, 1));
    }

    [Fact]
    public void FirstViolation_Cumulative_AnAbsentIntervalTakesNoCapacity()
    {
        var model = new CpModel();
        var (s1, s2) = (model.NewIntVar(0, 100, "s1"), model.NewIntVar(0, 100, "s2"));
        var present = model.NewBoolVar("present");
        var cumulative = model.AddCumulative(1);
        cumulative.AddDemand(model.NewFixedSizeIntervalVar(s1, 10, "i1"), 1);
        cumulative.AddDemand(model.NewOptionalFixedSizeIntervalVar(s2, 10, present, "i2"), 1);

        Assert.Null(Check(model, 0, 5, 0));
        Assert.Equal("constraint 0 (Cumulative): demand 2 at 5 exceeds capacity 1", Check(model, 0, 5, 1));
    }

    [Fact]
    public void FirstViolation_Cumulative_DemandsWhoseSumIsBeyondLong_Overflow()
    {
        // The capacity is the largest long, so no single step is over it: only the sum of the two demands overflows.
        var model = new CpModel();
        var starts = Enumerable.Range(0, 2).Select(i => model.NewIntVar(0, 100, $"s{i}")).ToList();
        var cumulative = model.AddCumulative(long.MaxValue);
        foreach (var interval in starts.Select((s, i) => model.NewFixedSizeIntervalVar(s, 10, $"i{i}")))
        {
            cumulative.AddDemand(interval, (long.MaxValue / 2) + 1);
        }

        Assert.Null(Check(model, 0, 10));
        Assert.Throws<OverflowException>(() => Check(model, 0, 5));
    }

    [Fact]
    public void FirstViolation_ExpressionOrProductBeyondLong_Overflows()
    {
        var max = new CpModel();
        var (x, m) = (max.NewIntVar(0, long.MaxValue / 2, "x"), max.NewIntVar(0, 10, "m"));
        max.AddMaxEquality(m, [4 * x]);
        Assert.Equal("constraint 0 (LinMax): the target is not the maximum 8", Check(max, 2, 0));
        Assert.Throws<OverflowException>(() => Check(max, long.MaxValue / 2, 0));

        var product = new CpModel();
        var (a, b, p) = (product.NewIntVar(0, 1L << 40, "a"), product.NewIntVar(0, 1L << 40, "b"), product.NewIntVar(0, 100, "p"));
        product.AddMultiplicationEquality(p, a, b);
        Assert.Null(Check(product, 5, 6, 30));
        Assert.Throws<OverflowException>(() => Check(product, 1L << 40, 1L << 40, 0));
    }

    [Fact]
    public void Objective_NegatedVariableAndASumBeyondLong_AreReadAsCpSatReadsThem()
    {
        var model = new CpModel();
        var (x, y) = (model.NewIntVar(0, long.MaxValue / 2, "x"), model.NewIntVar(0, 10, "y"));
        model.Minimize(3 * x);
        model.Model.Objective.Vars.Add(-y.GetIndex() - 1);   // + 1 × (-y): a term on the reference of y's negation
        model.Model.Objective.Coeffs.Add(1);

        Assert.Equal(12 - 5, ModelEvaluator.Objective(model.Model, [4, 5]));
        model.Model.Objective.ScalingFactor = 0;   // unset in the proto: no scaling
        Assert.Equal(12 - 5, ModelEvaluator.Objective(model.Model, [4, 5]));
        model.Model.Objective.ScalingFactor = 2;
        Assert.Equal(2 * (12 - 5), ModelEvaluator.Objective(model.Model, [4, 5]));
        Assert.Throws<OverflowException>(() => ModelEvaluator.Objective(model.Model, [long.MaxValue / 2, 0]));
    }
    [Fact]
    public void FirstViolation_MaximumOfNoExpressions_IsBelowEveryTarget()
    {
        var model = new CpModel();
        model.Model.Constraints.Add(new ConstraintProto { LinMax = new LinearArgumentProto { Target = new LinearExpressionProto { Offset = 5 } } });

        Assert.Equal("constraint 0 (LinMax): the target is not the maximum -9223372036854775808", Check(model));
    }

    [Fact]
    public void FirstViolation_NoModelOrNoValues_Throws()
    {
        var model = new CpModel();

        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => ModelEvaluator.FirstViolation(null!, [])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentNullException>(() => ModelEvaluator.FirstViolation(model.Model, null!)).ParamName);
    }
}
