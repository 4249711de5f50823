using System.Net;
using System.Text;

namespace KlingFunctions.FreepikSimulator.Tests;

public class RequestCheckTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("STATUS")]
    [InlineData("LIST")]
    public async Task A_request_without_the_key_is_401_Missing_API_key(string call)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = new HttpClient { BaseAddress = sim.BaseUri };

        using var response = await SendAsync(client, call);
        var body = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Missing API key", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("STATUS")]
    [InlineData("LIST")]
    public async Task A_request_with_a_wrong_key_is_401_Invalid_API_key(string call)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = new HttpClient { BaseAddress = sim.BaseUri };
        client.DefaultRequestHeaders.Add("x-freepik-api-key", "wrong");

        using var response = await SendAsync(client, call);
        var body = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid API key", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_key_header_and_value_are_configurable()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(
            new FreepikSimulatorOptions { ApiKeyHeader = "x-magnific-api-key", ApiKey = "other-key" }, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = sim.BaseUri };
        client.DefaultRequestHeaders.Add("x-magnific-api-key", "other-key");

        using var response = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"prompt":"a cat"}""", "duration")]
    [InlineData("""{"prompt":"a cat","duration":"7"}""", "duration")]
    [InlineData("""{"prompt":"a cat","duration":5}""", "duration")]
    [InlineData("""{"prompt":"a cat","duration":"5","cfg_scale":1.5}""", "cfg_scale")]
    [InlineData("""{"prompt":"a cat","duration":"5","cfg_scale":-0.1}""", "cfg_scale")]
    [InlineData("""{"duration":"5"}""", "image")]
    [InlineData("""{"image":"not an image!","duration":"5"}""", "image")]
    [InlineData("""{"image":"ftp://example.com/cat.png","duration":"5"}""", "image")]
    [InlineData("""{"prompt":"a cat","duration":"5","static_mask":"%%%"}""", "static_mask")]
    [InlineData("""{"prompt":"a cat","duration":"5","dynamic_masks":[{"mask":"%%%"}]}""", "dynamic_masks[0].mask")]
    [InlineData("""{"prompt":"a cat","duration":"5","webhook_url":"not a url"}""", "webhook_url")]
    [InlineData("""{"prompt":"a cat","duration":"5","image_tail":"https://example.com/end.png"}""", "image_tail")]
    [InlineData("""{"prompt":"a cat","duration":"5","model":"kling-v2-1-std"}""", "model")]
    [InlineData("""not json""", "body")]
    [InlineData("""[1]""", "body")]
    public async Task An_invalid_create_body_is_400_with_the_invalid_param(string body, string param)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();

        using var response = await client.PostAsync(FreepikApi.CreatePath, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Your request parameters didn't validate.", problem.GetProperty("message").GetString());
        Assert.Contains(param, problem.GetProperty("invalid_params").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(0, sim.Calls.TasksCreated);
    }

    [Theory]
    [InlineData("prompt")]
    [InlineData("negative_prompt")]
    public async Task A_prompt_longer_than_2500_characters_is_400(string field)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();
        var body = FreepikApi.Body();
        body[field] = new string('a', 2501);

        using var response = await FreepikApi.PostCreateAsync(client, body);
        var problem = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, Assert.Single(problem.GetProperty("invalid_params").EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"image":"iVBORw0KGgo=","duration":"10"}""")]
    [InlineData("""{"image":"http://example.com/cat.png","duration":"5","cfg_scale":1}""")]
    [InlineData("""{"prompt":"a cat","negative_prompt":"blur","duration":"5","cfg_scale":0}""")]
    public async Task A_valid_create_body_is_accepted(string body)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();

        using var response = await client.PostAsync(FreepikApi.CreatePath, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string call) => call switch
    {
        "POST" => FreepikApi.PostCreateAsync(client, FreepikApi.Body()),
        "STATUS" => client.GetAsync(FreepikApi.StatusPath(Guid.NewGuid().ToString())),
        _ => client.GetAsync(FreepikApi.CreatePath),
    };
}
