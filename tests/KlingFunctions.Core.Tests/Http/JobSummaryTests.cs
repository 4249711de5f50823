using KlingFunctions.Http;

namespace KlingFunctions.Core.Tests.Http;

public sealed class JobSummaryTests
{
    [Fact]
    public void A_prompt_of_100_characters_or_fewer_is_listed_whole()
    {
        var prompt = new string('a', 100);

        Assert.Equal(prompt, JobSummary.Cut(prompt));
    }

    [Fact]
    public void A_longer_prompt_is_listed_by_its_first_100_characters()
        => Assert.Equal(new string('a', 100), JobSummary.Cut(new string('a', 2500)));

    [Fact]
    public void The_cut_never_splits_a_character_made_of_two_UTF_16_units()
    {
        var prompt = new string('a', 99) + "🐈 and more";

        Assert.Equal(new string('a', 99), JobSummary.Cut(prompt));
    }
}
