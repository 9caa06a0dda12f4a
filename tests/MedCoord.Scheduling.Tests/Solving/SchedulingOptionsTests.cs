using MedCoord.Scheduling.Solving;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The host's scheduling defaults: each property read through a partial <see cref="SolveOptions"/>, and checked once at start.</summary>
public sealed class SchedulingOptionsTests
{
    [Fact]
    public void Properties_OfDefaultsThatLeaveThemOut_AreTheLibrarysDefaults()
    {
        var options = new SchedulingOptions { Defaults = new SolveOptions() };

        Assert.Equal((TimeSpan.FromSeconds(10), 0, 0), (options.TimeLimit, options.Workers, options.Seed));
    }

    [Fact]
    public void Properties_SetOneByOne_AreKeptInTheDefaults()
    {
        var options = new SchedulingOptions { TimeLimit = TimeSpan.FromSeconds(3), Workers = 2, Seed = 5 };

        Assert.Equal((TimeSpan.FromSeconds(3), 2, 5), (options.TimeLimit, options.Workers, options.Seed));
        Assert.Equal(new SolveOptions(Duration.FromSeconds(3), 2, 5) { Conservative = false }, options.Defaults);
    }

    [Fact]
    public void Validator_GoodDefaults_Succeed_BadOnesFailNamingEachProperty_NoDefaultsFailSayingSo()
    {
        var validator = new SchedulingOptionsValidator();

        Assert.True(validator.Validate(null, new SchedulingOptions()).Succeeded);
        var bad = validator.Validate(null, new SchedulingOptions { Workers = -1, Seed = -2 });
        Assert.True(bad.Failed);
        Assert.Equal(2, bad.Failures!.Count());
        Assert.All(bad.Failures!, f => Assert.StartsWith("SchedulingOptions.", f, StringComparison.Ordinal));
        Assert.Equal(["SchedulingOptions.Defaults: must not be null"], validator.Validate(null, new SchedulingOptions { Defaults = null! }).Failures);
    }
}
