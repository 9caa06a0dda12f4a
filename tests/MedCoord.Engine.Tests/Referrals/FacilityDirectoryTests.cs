using MedCoord.Engine.Referrals;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Referrals;

public sealed class FacilityDirectoryTests
{
    private static readonly FacilityDirectory Directory = new(
    [
        new DirectoryFacility("lakeside", "Lakeside Cardiology", ["cardiology", "echo"], "+1 555 0100", "referrals@lakeside.example", External: true),
        new DirectoryFacility("main", "Main Street Clinic", ["dermatology"], "+1 555 0199", null, External: false),
    ]);

    [Fact]
    public void Offering_AndCheckTarget_KnowSpecialtiesAndFacilities()
    {
        Assert.Equal(["lakeside"], Directory.Offering("Cardiology").Select(f => f.Id));
        Assert.Null(Directory.CheckTarget("echo"));
        Assert.Null(Directory.CheckTarget("facility:main"));
        Assert.Equal("no facility 'northside' in the directory", Directory.CheckTarget("facility:northside"));
        Assert.Equal("no facility in the directory accepts 'neurology' referrals", Directory.CheckTarget("neurology"));
    }

    [Fact]
    public void Draft_TargetTheDirectoryDoesNotKnow_IsRefused()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 27, 9, 0));

        var refused = Assert.Throws<ValidationException>(() => ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "neurology", ReferralPriority.Urgent, clock, Directory));

        Assert.Equal("target", refused.ParamName);
        Assert.Contains("no facility in the directory accepts 'neurology'", refused.Message);
        Assert.Equal("facility:lakeside", ReferralLifecycle.Draft("ref-2", "pat-1", "dr-a", "facility:lakeside", ReferralPriority.Urgent, clock, Directory).Target);
    }

    [Fact]
    public void Create_BadEntries_AreRefusedNamingEach()
    {
        var refused = Assert.Throws<ValidationException>(() => new FacilityDirectory(
        [
            new DirectoryFacility("a", "A", ["x"], "1", null, false),
            new DirectoryFacility("a", "A again", [], " ", null, false),
        ]));

        Assert.Contains("facilities[1].id: id 'a' is used twice", refused.Message);
        Assert.Contains("needs at least one specialty", refused.Message);
        Assert.Contains("needs a referral phone line", refused.Message);
    }

    [Fact]
    public void Create_EachKindOfBadEntry_IsNamedByItsIndex()
    {
        var refused = Assert.Throws<ValidationException>(() => new FacilityDirectory(
        [
            null!,
            new DirectoryFacility(" ", "No id", ["x"], "1", null, false),
            new DirectoryFacility("b", "B", null!, "1", null, false),
            new DirectoryFacility("c", "C", ["x", " "], "1", null, false),
            new DirectoryFacility("d", "D", ["x"], "", null, false),
            new DirectoryFacility("b", "B again", ["x"], "1", null, false),
        ]));

        Assert.Equal(
            [
                "facilities[0].id: needs an id", "facilities[1].id: needs an id", "facilities[2].specialties: facility 'b' needs at least one specialty, none empty",
                "facilities[3].specialties: facility 'c' needs at least one specialty, none empty", "facilities[4].phone: facility 'd' needs a referral phone line",
                "facilities[5].id: id 'b' is used twice",
            ],
            refused.Errors.Texts());
        Assert.Equal("facilities", refused.ParamName);
        Assert.Equal("facilities", Assert.Throws<ArgumentNullException>(() => new FacilityDirectory(null!)).ParamName);
    }

    [Fact]
    public void Facilities_OrderedByIdOrdinally_AndOfferingIgnoresCase()
    {
        var directory = new FacilityDirectory(
        [
            new DirectoryFacility("b", "B", ["Cardiology"], "1", null, false),
            new DirectoryFacility("B", "B upper", ["cardiology"], "2", null, true),
            new DirectoryFacility("a", "A", ["dermatology"], "3", null, false),
        ]);

        Assert.Equal(["B", "a", "b"], directory.Facilities.Select(f => f.Id));
        Assert.Equal(["B", "b"], directory.Offering("CARDIOLOGY").Select(f => f.Id));
        Assert.Empty(directory.Offering("cardio"));
        Assert.Empty(new FacilityDirectory([]).Facilities);
    }

    [Theory]
    [InlineData("", "the target is empty")]
    [InlineData("  ", "the target is empty")]
    [InlineData("facility:", "no facility '' in the directory")]
    [InlineData("facility:Main", "no facility 'Main' in the directory")]
    [InlineData("Facility:main", "no facility in the directory accepts 'Facility:main' referrals")]
    [InlineData("facility:main", null)]
    [InlineData("DERMATOLOGY", null)]
    public void CheckTarget_SpecialtyOrFacilityPrefix(string target, string? problem)
    {
        Assert.Equal(problem, Directory.CheckTarget(target));
    }
}
