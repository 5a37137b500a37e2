"""Korean messages of the exercise checks: English template -> Korean template, with the same {fields}.

Terms follow i18n/ko/glossary.md. A test fails when a template in the checks has no translation here, when an
entry is no longer used, or when the fields differ.
"""

MESSAGES: dict[str, str] = {
    "passed":
        "통과",
    "failed":
        "실패",
    "not done yet":
        "아직 안 함",
    "not checked":
        "확인 안 함",
    "{mark} Exercise {number} ({title}): {message}":
        "{mark} 실습 {number} ({title}): {message}",
    "{mark} Exercise {number}  {title}  {status}":
        "{mark} 실습 {number}  {title}  {status}",
    "score: {passed} / {total}":
        "점수: {passed} / {total}",
    "your code was still running after {seconds:g} s: is there a loop that never ends?":
        "작성한 코드가 {seconds:g}초가 지나도 끝나지 않았습니다. 끝나지 않는 반복문이 있나요?",
    "wrong dtype: two tensors mix float32 and float64 (or an integer type); make everything float32 with .float()":
        "dtype이 맞지 않습니다. float32와 float64(또는 정수형) 텐서가 섞였습니다. .float()로 모두 float32로 맞추세요",
    "wrong dtype: make every tensor float32 with .float()":
        "dtype이 맞지 않습니다. .float()로 모든 텐서를 float32로 맞추세요",
    "wrong dtype: the targets must be float32 (torch.float), not integers":
        "dtype이 맞지 않습니다. 정답(target)은 정수가 아니라 float32(torch.float)여야 합니다",
    "target shape: the target must have the same shape as y_hat, (4, 1), not (4,)":
        "정답의 shape 문제입니다. 정답은 y_hat과 같은 (4, 1)이어야 하며 (4,)이면 안 됩니다",
    "call super().__init__() first in __init__, before creating layers":
        "__init__에서 층을 만들기 전에 super().__init__()을 먼저 호출하세요",
    "compute y_hat and the cost again inside the loop, every epoch":
        "y_hat과 cost는 반복문 안에서 매 에폭마다 새로 계산하세요",
    "a value is still the ... placeholder: replace every ... with your code":
        "아직 ... 자리표시자인 값이 있습니다. ...를 모두 직접 작성한 코드로 바꾸세요",
    "{name} must be a number or a tensor, got {kind}":
        "{name}은(는) 숫자나 텐서여야 하는데 {kind}입니다",
    "{name} must be a function, got {kind}":
        "{name}은(는) 함수여야 하는데 {kind}입니다",
    "{name} has shape {shape} but must be one number — sum or average over the samples":
        "{name}의 shape이 {shape}인데 숫자 하나여야 합니다 — 샘플들에 대해 더하거나 평균을 내세요",
    "{name} has dtype {dtype}; keep float32 like the data (wrong dtype)":
        "{name}의 dtype이 {dtype}입니다. 데이터처럼 float32로 두세요 (dtype 오류)",
    "the training loop":
        "학습 루프",
    "gradients by hand":
        "손으로 구하는 기울기",
    "the nn.Module class":
        "nn.Module 클래스",
    "create W and b, the optimizer, and write the loop":
        "W와 b, 옵티마이저를 만들고 반복문을 작성하세요",
    "{name} must be a tensor, got {kind} — create it with torch.rand(1, ...)":
        "{name}은(는) 텐서여야 하는데 {kind}입니다 — torch.rand(1, ...)로 만드세요",
    "{name} has dtype {dtype} (wrong dtype): keep float32 like X and y":
        "{name}의 dtype이 {dtype}입니다 (dtype 오류). X, y처럼 float32로 두세요",
    "{name} was replaced by a new tensor ({name} = {name} - ...): let optimizer.step() update it in place":
        "{name}이(가) 새 텐서로 바뀌었습니다 ({name} = {name} - ...). optimizer.step()이 그 자리에서 갱신하게 하세요",
    "{name} has no requires_grad, so autograd cannot compute {name}.grad — create it with requires_grad=True":
        "{name}에 requires_grad가 없어서 autograd가 {name}.grad를 계산할 수 없습니다 — requires_grad=True로 만드세요",
    "the gradients accumulate: backward() adds to .grad, so call optimizer.zero_grad() before cost.backward() in every epoch":
        "기울기가 누적됩니다. backward()는 .grad에 더하므로 매 에폭 cost.backward() 전에 optimizer.zero_grad()를 호출하세요",
    "the cost is a sum over the samples, not the mean: use torch.mean (or loss_fn)":
        "cost가 샘플들의 평균이 아니라 합입니다. torch.mean(또는 loss_fn)을 쓰세요",
    "W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as the lecture's loop gives (still far from W = 1, b = 0)":
        "{epochs} 에폭 후 W = {w:.3f}, b = {b:.3f}로 강의의 루프와 같습니다 (아직 W = 1, b = 0과는 멉니다)",
    "write dW and db with the chain rule":
        "연쇄 법칙으로 dW와 db를 작성하세요",
    "dW = {dW:.5f}, db = {db:.5f}, equal to autograd's W.grad and b.grad":
        "dW = {dW:.5f}, db = {db:.5f}로 autograd의 W.grad, b.grad와 같습니다",
    "the factor 2/n is missing: the 2 comes from the square, the 1/n from the mean":
        "2/n이 빠졌습니다. 2는 제곱에서, 1/n은 평균에서 나옵니다",
    "the factor 2 is missing: the derivative of (y_hat - y)^2 is 2 (y_hat - y)":
        "2가 빠졌습니다. (y_hat - y)^2의 미분은 2 (y_hat - y)입니다",
    "a sum instead of the mean: the loss averages over the n samples, so divide by n":
        "평균 대신 합을 구했습니다. 손실은 n개 샘플의 평균이므로 n으로 나누세요",
    "the sign is flipped: the error is (y_hat - y), not (y - y_hat)":
        "부호가 반대입니다. 오차는 (y - y_hat)이 아니라 (y_hat - y)입니다",
    "shapes (n,) and (n, 1) were mixed: y_hat - y.view(-1) broadcasts to an (n, n) table; keep both (n, 1)":
        "shape (n,)과 (n, 1)이 섞였습니다. y_hat - y.view(-1)은 (n, n) 표로 브로드캐스트됩니다. 둘 다 (n, 1)로 두세요",
    "dW and db are swapped":
        "dW와 db가 바뀌었습니다",
    "{name} = {value:.5f} is not the gradient of the mean squared error here; apply the chain rule to (1/n) * sum((W x + b - y)^2)":
        "{name} = {value:.5f}은(는) 여기서 평균 제곱 오차의 기울기가 아닙니다. (1/n) * sum((W x + b - y)^2)에 연쇄 법칙을 적용하세요",
    "until it is, the cells below use a working stand-in":
        "완성될 때까지 아래 셀들은 대신 동작하는 클래스를 씁니다",
    "{name} must be a class that subclasses nn.Module":
        "{name}은(는) nn.Module을 상속하는 클래스여야 합니다",
    "keep the layer as self.linear = nn.Linear(...): the rest of the notebook reads model.linear.weight":
        "층은 self.linear = nn.Linear(...)로 두세요. 노트북의 나머지 부분이 model.linear.weight를 읽습니다",
    "LinearRegression({x_in}, {x_out}) made nn.Linear({a}, {b}): pass x_in, then x_out":
        "LinearRegression({x_in}, {x_out})이 nn.Linear({a}, {b})를 만들었습니다. x_in, x_out 순서로 넘기세요",
    "the model has {count} parameter tensors; it should have exactly the layer's weight and bias":
        "모델의 파라미터 텐서가 {count}개입니다. 층의 가중치와 편향, 정확히 두 개여야 합니다",
    "forward still returns ...":
        "forward가 아직 ...를 반환합니다",
    "forward on a batch of shape (5, {x_in}) returned {shape}; it should return self.linear(x), of shape (5, {x_out})":
        "shape (5, {x_in})인 배치에 대해 forward가 {shape}을(를) 반환했습니다. shape (5, {x_out})인 self.linear(x)를 반환해야 합니다",
    "forward should return self.linear(x) unchanged (no activation in linear regression)":
        "forward는 self.linear(x)를 그대로 반환해야 합니다 (선형 회귀에는 활성화 함수가 없습니다)",
    "LinearRegression(1, 1) holds nn.Linear(1, 1) and returns its output":
        "LinearRegression(1, 1)이 nn.Linear(1, 1)을 가지고 그 출력을 반환합니다",
    "the sigmoid and its derivative":
        "시그모이드와 그 도함수",
    "binary cross-entropy by hand":
        "손으로 쓰는 이진 교차 엔트로피",
    "training on logits":
        "로짓으로 학습하기",
    "{name} returns {value}":
        "{name}이(가) {value}을(를) 반환합니다",
    "{name} must return a tensor, got {kind}":
        "{name}은(는) 텐서를 반환해야 하는데 {kind}입니다",
    "{name} returned dtype {dtype} (wrong dtype): keep float32":
        "{name}이(가) dtype {dtype}을(를) 반환했습니다 (dtype 오류). float32로 두세요",
    "{name} returned shape {got} for an input of shape {shape}: work element by element, keeping the shape":
        "{name}이(가) shape {shape}인 입력에 대해 shape {got}을(를) 반환했습니다. shape을 유지한 채 원소별로 계산하세요",
    "the sign in the exponent: sigma(z) = 1 / (1 + e^(-z)); with e^(+z) the curve is mirrored":
        "지수의 부호가 틀렸습니다. sigma(z) = 1 / (1 + e^(-z))이며, e^(+z)로 쓰면 곡선이 좌우로 뒤집힙니다",
    "that is tanh(z); the sigmoid is 1 / (1 + e^(-z)), between 0 and 1":
        "그것은 tanh(z)입니다. 시그모이드는 0과 1 사이의 값인 1 / (1 + e^(-z))입니다",
    "that is 1 + e^(-z); the sigmoid is its reciprocal, 1 / (1 + e^(-z))":
        "그것은 1 + e^(-z)입니다. 시그모이드는 그 역수인 1 / (1 + e^(-z))입니다",
    "sigmoid(0) = {s0:.4f} and sigmoid(2) = {s2:.4f}, but they should be 0.5000 and {t2:.4f}: sigma(z) = 1 / (1 + e^(-z))":
        "sigmoid(0) = {s0:.4f}, sigmoid(2) = {s2:.4f}인데 각각 0.5000, {t2:.4f}이어야 합니다: sigma(z) = 1 / (1 + e^(-z))",
    "sigmoid is right; now write sigmoid_derivative":
        "sigmoid는 맞습니다. 이제 sigmoid_derivative를 작성하세요",
    "apply the formula to sigma(z), not to z itself":
        "공식은 z 자체가 아니라 sigma(z)에 적용하세요",
    "a sign: sigma'(z) = sigma(z) * (1 - sigma(z)), not sigma(z) * (1 + sigma(z))":
        "부호가 틀렸습니다. sigma'(z)는 sigma(z) * (1 + sigma(z))가 아니라 sigma(z) * (1 - sigma(z))입니다",
    "that is tanh's derivative, 1 - tanh(z)^2; the sigmoid's is sigma(z) * (1 - sigma(z))":
        "그것은 tanh의 도함수 1 - tanh(z)^2입니다. 시그모이드의 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "that is 1 - sigma(z)^2; the sigmoid's derivative is sigma(z) * (1 - sigma(z))":
        "그것은 1 - sigma(z)^2입니다. 시그모이드의 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "that is the sigmoid itself; its derivative is sigma(z) * (1 - sigma(z))":
        "그것은 시그모이드 자체입니다. 도함수는 sigma(z) * (1 - sigma(z))입니다",
    "sigmoid_derivative(0) = {d0:.4f}; it should be 0.2500, the largest slope of the sigmoid":
        "sigmoid_derivative(0) = {d0:.4f}입니다. 시그모이드의 가장 큰 기울기인 0.2500이어야 합니다",
    "sigma(0) = 0.5 and sigma'(0) = 0.25, equal to torch.sigmoid and autograd everywhere on [-6, 6]":
        "sigma(0) = 0.5, sigma'(0) = 0.25로, [-6, 6] 전체에서 torch.sigmoid 및 autograd와 같습니다",
    "the result has shape {shape}: average the per-sample losses to one number with .mean()":
        "결과의 shape이 {shape}입니다. 샘플별 손실을 .mean()으로 평균 내어 숫자 하나로 만드세요",
    "{value:.4f}, equal to nn.BCELoss()":
        "{value:.4f}로 nn.BCELoss()와 같습니다",
    "a sum instead of the mean: divide by the number of samples (use .mean())":
        "평균 대신 합을 구했습니다. 샘플 수로 나누세요 (.mean()을 쓰세요)",
    "the minus sign is missing: log of a probability is negative, the loss must be positive":
        "마이너스 부호가 빠졌습니다. 확률의 로그는 음수이고, 손실은 양수여야 합니다",
    "shapes (4,) and (4, 1) were mixed and broadcast to a (4, 4) table: keep y and y_hat both (4, 1)":
        "shape (4,)와 (4, 1)이 섞여 (4, 4) 표로 브로드캐스트되었습니다. y와 y_hat을 모두 (4, 1)로 두세요",
    "only the y log(y_hat) term is there; add (1 - y) log(1 - y_hat) for the samples whose target is 0":
        "y log(y_hat) 항만 있습니다. 정답이 0인 샘플을 위해 (1 - y) log(1 - y_hat)을 더하세요",
    "only the (1 - y) log(1 - y_hat) term is there; add y log(y_hat) for the samples whose target is 1":
        "(1 - y) log(1 - y_hat) 항만 있습니다. 정답이 1인 샘플을 위해 y log(y_hat)을 더하세요",
    "the loss is inf or NaN: take the logs of y_hat and 1 - y_hat (predictions), not of y (targets)":
        "손실이 inf 또는 NaN입니다. 로그는 정답 y가 아니라 예측 y_hat과 1 - y_hat에 취하세요",
    "bce gives {value:.4f} but nn.BCELoss gives {true:.4f} on the same predictions: -(y log y_hat + (1 - y) log(1 - y_hat)), averaged":
        "같은 예측에 대해 bce는 {value:.4f}, nn.BCELoss는 {true:.4f}입니다: -(y log y_hat + (1 - y) log(1 - y_hat))의 평균입니다",
    "the weights turned NaN or inf: the loss blew up":
        "가중치가 NaN 또는 inf가 되었습니다. 손실이 발산했습니다",
    "the loop never updates the model's weights: optimizer.zero_grad(), cost.backward(), optimizer.step() on the model you are given":
        "반복문이 모델의 가중치를 전혀 갱신하지 않습니다. 주어진 모델에 대해 optimizer.zero_grad(), cost.backward(), optimizer.step()을 하세요",
    "{epochs} epochs of BCEWithLogitsLoss on the logits move the weights as expected":
        "로짓에 BCEWithLogitsLoss를 쓴 {epochs} 에폭의 학습이 가중치를 예상대로 움직입니다",
    "a sigmoid is applied before BCEWithLogitsLoss, which applies its own: pass the logits model.linear(X), not probabilities":
        "BCEWithLogitsLoss 앞에 시그모이드를 적용했습니다. 이 손실 함수는 시그모이드를 스스로 적용하므로 확률이 아니라 로짓 model.linear(X)를 넘기세요",
    "the gradients accumulate: call optimizer.zero_grad() before cost.backward() in every epoch":
        "기울기가 누적됩니다. 매 에폭 cost.backward() 전에 optimizer.zero_grad()를 호출하세요",
    "after {epochs} epochs at lr = {lr} the weights are {now}, but forward on the logits -> BCEWithLogitsLoss -> zero_grad -> backward -> step gives {right}":
        "학습률 {lr}로 {epochs} 에폭 후 가중치가 {now}인데, 로짓 순전파 -> BCEWithLogitsLoss -> zero_grad -> backward -> step으로는 {right}입니다",
    "the MultiLayerPerceptron class":
        "MultiLayerPerceptron 클래스",
    "the forward pass by hand":
        "손으로 하는 순전파",
    "a configuration that works on 99 % of seeds":
        "시드의 99 %에서 성공하는 설정",
    "the output has no sigmoid: apply it to z2 so that y_hat is a probability for BCELoss":
        "출력에 시그모이드가 없습니다. y_hat이 BCELoss에 넣을 확률이 되도록 z2에 시그모이드를 적용하세요",
    "the hidden layer has no activation: two linear layers in a row are still one straight line":
        "은닉층에 활성화 함수가 없습니다. 선형 층 두 개를 이어 붙여도 여전히 직선 하나입니다",
    "the hidden layer ignores the activation argument (asked for {activation}, got sigmoid)":
        "은닉층이 activation 인자를 무시합니다 ({activation}을(를) 요청했는데 sigmoid가 쓰였습니다)",
    "the output uses the hidden activation ({activation}); keep a sigmoid on the output":
        "출력층이 은닉층의 활성화 함수({activation})를 씁니다. 출력에는 시그모이드를 두세요",
    "MultiLayerPerceptron({hidden}, '{activation}') does not compute sigmoid(linear2({activation}(linear1(x))))":
        "MultiLayerPerceptron({hidden}, '{activation}')이 sigmoid(linear2({activation}(linear1(x))))를 계산하지 않습니다",
    "2-H-1 layers, hidden activation from the argument, sigmoid on the output":
        "2-H-1 층 구조, 인자로 받은 은닉층 활성화 함수, 출력의 시그모이드가 모두 맞습니다",
    "compute z1, h and z2 from the weight matrices":
        "가중치 행렬로 z1, h, z2를 계산하세요",
    "{name} must be a tensor, got {kind}":
        "{name}은(는) 텐서여야 하는데 {kind}입니다",
    "{name} has dtype {dtype} (wrong dtype): keep float32 like X and the weights":
        "{name}의 dtype이 {dtype}입니다 (dtype 오류). X와 가중치처럼 float32로 두세요",
    "{name} has shape {got} but must be {want} (one row per input): w2 has shape (1, H), so multiply by its transpose":
        "{name}의 shape이 {got}인데 {want}이어야 합니다 (입력 하나에 한 행). w2의 shape이 (1, H)이므로 전치 행렬을 곱하세요",
    "{name} has shape {got} but must be {want}: one row per input, one column per unit":
        "{name}의 shape이 {got}인데 {want}이어야 합니다. 입력 하나에 한 행, 유닛 하나에 한 열입니다",
    "the bias b1 is missing: every hidden unit adds its bias to its weighted sum":
        "편향 b1이 빠졌습니다. 은닉 유닛마다 가중합에 자기 편향을 더합니다",
    "W1 has shape (H, 2): multiply the inputs by its transpose":
        "W1의 shape은 (H, 2)입니다. 입력에 그 전치 행렬을 곱하세요",
    "h is the hidden code: apply the hidden activation to z1":
        "h는 은닉 표현입니다. z1에 은닉층의 활성화 함수를 적용하세요",
    "z2 is the output unit's logit, before the output sigmoid":
        "z2는 출력 시그모이드를 거치기 전, 출력 유닛의 로짓입니다",
    "the bias b2 is missing: the output unit adds its bias too":
        "편향 b2가 빠졌습니다. 출력 유닛도 편향을 더합니다",
    "z2 must be computed from the hidden code h, not from z1":
        "z2는 z1이 아니라 은닉 표현 h로 계산해야 합니다",
    "{name} differs from the network's own {name} (largest gap {gap:.2g})":
        "{name}이(가) 신경망이 계산한 {name}과(와) 다릅니다 (최대 차이 {gap:.2g})",
    "z2 = w·h + b = [{values}], the output unit's logit for each input":
        "z2 = w·h + b = [{values}], 각 입력에 대한 출력 유닛의 로짓입니다",
    "choose my_hidden, my_optimizer and my_lr":
        "my_hidden, my_optimizer, my_lr을 고르세요",
    "my_hidden must be a whole number of hidden units from 1 to 64, got {value}":
        "my_hidden은 1부터 64까지의 은닉 유닛 수(정수)여야 하는데 {value}입니다",
    "my_optimizer must be 'sgd' or 'adam', got {value}":
        "my_optimizer는 'sgd' 또는 'adam'이어야 하는데 {value}입니다",
    "my_lr must be a learning rate between 0 and 100, got {value}":
        "my_lr은 0과 100 사이의 학습률이어야 하는데 {value}입니다",
    "{rate:.1f} % of {models} seeds classify XOR correctly after {epochs} epochs (hidden {hidden}, {optimizer}, lr {lr:g})":
        "{epochs} 에폭 후 시드 {models}개 중 {rate:.1f} %가 XOR을 올바르게 분류합니다 (은닉 유닛 {hidden}, {optimizer}, 학습률 {lr:g})",
    "2-H-1 layers, hidden activation from the argument, sigmoid on the output (the cells below reach your layers as model.linear1 and model.linear2)":
        "2-H-1 층, 인자로 받은 은닉층 활성화 함수, 출력의 시그모이드 (아래 셀들은 작성한 층을 model.linear1과 model.linear2로 씁니다)",
    "LinearRegression(x_in, x_out) and forward(self, x) keep the exercise's arguments":
        "LinearRegression(x_in, x_out)과 forward(self, x)의 인자는 실습에서 주어진 그대로 두세요",
    "MultiLayerPerceptron({hidden}, ...) has the linear layers {found}; a 2-{hidden}-1 network needs nn.Linear(2, {hidden}) and nn.Linear({hidden}, 1)":
        "MultiLayerPerceptron({hidden}, ...)의 선형 층은 {found}입니다. 2-{hidden}-1 신경망에는 nn.Linear(2, {hidden})와 nn.Linear({hidden}, 1)이 필요합니다",
    "Python cannot read this line: check brackets, colons and indentation":
        "파이썬이 이 줄을 읽을 수 없습니다. 괄호, 콜론, 들여쓰기를 확인하세요",
    "SGD with momentum = {m:g}: the lecture's loop takes plain steps, optim.SGD([W, b], lr={lr}) without momentum":
        "momentum = {m:g}인 SGD입니다. 강의의 루프는 모멘텀 없는 optim.SGD([W, b], lr={lr})로 한 걸음씩 갱신합니다",
    "SGD with weight_decay = {d:g} pulls W and b towards 0; the lecture's loop has none":
        "weight_decay = {d:g}인 SGD는 W와 b를 0 쪽으로 당깁니다. 강의의 루프에는 weight_decay가 없습니다",
    "W = {w:.3f}, b = {b:.3f} after the loop, but {epochs} epochs of forward -> cost -> zero_grad -> backward -> step with lr = {lr} from the lecture's start give W = {w_ref:.3f}, b = {b_ref:.3f}":
        "루프 후 W = {w:.3f}, b = {b:.3f}인데, 강의의 시작값에서 lr = {lr}로 순전파 -> cost -> zero_grad -> backward -> step을 {epochs} 에폭 하면 W = {w_ref:.3f}, b = {b_ref:.3f}입니다",
    "W and b are created again inside the loop, so each epoch starts from a new random value: create them once, before the loop":
        "W와 b를 반복문 안에서 다시 만들어서 매 에폭이 새 난수 값에서 시작합니다. 반복문 전에 한 번만 만드세요",
    "W and b follow the lecture's loop for {k} epochs, then depart: at the end W = {w:.4f}, b = {b:.4f} where {epochs} epochs with lr = {lr} give W = {w_ref:.4f}, b = {b_ref:.4f}":
        "W와 b가 {k} 에폭 동안은 강의의 루프와 같다가 달라집니다. 마지막 값은 W = {w:.4f}, b = {b:.4f}인데, lr = {lr}로 {epochs} 에폭 학습하면 W = {w_ref:.4f}, b = {b_ref:.4f}입니다",
    "W and b need requires_grad=True, or backward() has nothing to compute: torch.rand(1, requires_grad=True)":
        "W와 b에 requires_grad=True가 있어야 backward()가 기울기를 계산합니다: torch.rand(1, requires_grad=True)",
    "W and b never change: the loop must call optimizer.step() after cost.backward()":
        "W와 b가 전혀 바뀌지 않습니다. 반복문에서 cost.backward() 다음에 optimizer.step()을 호출해야 합니다",
    "W1 has shape (H, 2) and w2 (1, H): multiply by their transposes, X @ W1.T and h @ w2.T":
        "W1의 shape은 (H, 2), w2는 (1, H)입니다. 전치 행렬을 곱하세요: X @ W1.T, h @ w2.T",
    "a division by zero":
        "0으로 나누었습니다",
    "a layer gets the wrong input: linear1 takes x (2 values), linear2 the hidden code (H values)":
        "층에 잘못된 입력이 들어갑니다. linear1은 x(값 2개)를, linear2는 은닉 표현(값 H개)을 받습니다",
    "a name that is not defined: check its spelling, or run the cells above first":
        "정의되지 않은 이름입니다. 철자를 확인하거나 위의 셀들을 먼저 실행하세요",
    "at z = {z:g} {name} gives {value}: e^z overflows in float32 there; write it with e^(-z), 1 / (1 + e^(-z)), which stays finite":
        "z = {z:g}에서 {name}의 값이 {value}입니다. 거기서는 float32의 e^z가 넘칩니다(overflow). 유한한 값을 유지하는 e^(-z) 꼴, 1 / (1 + e^(-z))로 쓰세요",
    "autograd cannot go through your bce (a tensor rebuilt with torch.tensor(...), .detach() or .item() inside): compute it from y_hat with torch operations":
        "autograd가 작성한 bce를 통과하지 못합니다 (안에서 torch.tensor(...)로 텐서를 다시 만들었거나 .detach(), .item()을 썼습니다). y_hat에서 torch 연산으로 계산하세요",
    "autograd cannot go through your sigmoid: it returns a tensor without a graph (torch.tensor(...), .detach() or numpy inside); build it from torch operations":
        "autograd가 작성한 sigmoid를 통과하지 못합니다. 계산 그래프가 없는 텐서를 반환합니다 (안에서 torch.tensor(...), .detach(), numpy를 썼습니다). torch 연산으로 만드세요",
    "backward() needs the cost as one number: average the squared errors with torch.mean":
        "backward()에는 숫자 하나인 cost가 필요합니다. 제곱 오차를 torch.mean으로 평균하세요",
    "bce changes y_hat or y in place, so the caller's tensors change too: compute new tensors (torch.log(y_hat), not y_hat.log_())":
        "bce가 y_hat이나 y를 그 자리에서(in place) 바꾸어서 호출한 쪽의 텐서도 바뀝니다. 새 텐서로 계산하세요 (y_hat.log_()가 아니라 torch.log(y_hat))",
    "bce divides by 4, the lesson's number of samples: use .mean(), so that it works for any batch":
        "bce가 실습 데이터의 샘플 수인 4로 나눕니다. 어떤 배치에서도 맞도록 .mean()을 쓰세요",
    "bce is right on the lesson's 4 predictions but gives {value:.4f} instead of {true:.4f} on 6 others: compute it from y_hat and y alone":
        "bce가 실습의 예측값 4개에서는 맞지만 다른 6개에서는 {true:.4f}가 아니라 {value:.4f}를 냅니다. y_hat과 y만으로 계산하세요",
    "bce returned a Python number: .item() leaves autograd behind, so cost.backward() could not train through it — return the tensor":
        "bce가 파이썬 숫자를 반환했습니다. .item()을 쓰면 autograd와 끊겨서 cost.backward()로 학습할 수 없습니다 — 텐서를 반환하세요",
    "dW and db are right on the notebook's data but not on other data (dW = {got:.4f}, true {true:.4f}): compute them from X, y, W and b, not from fixed numbers":
        "dW와 db가 노트북의 데이터에서는 맞지만 다른 데이터에서는 틀립니다 (dW = {got:.4f}, 실제 {true:.4f}). 고정된 숫자가 아니라 X, y, W, b로 계산하세요",
    "dW and db copy autograd's W.grad and b.grad; derive them by hand with the chain rule":
        "dW와 db가 autograd의 W.grad와 b.grad를 복사했습니다. 연쇄 법칙으로 직접 유도하세요",
    "dW lacks the factor x: by the chain rule d(W x + b)/dW = x, so dW = 2/n * sum(x (y_hat - y))":
        "dW에 x가 곱해지지 않았습니다. 연쇄 법칙에서 d(W x + b)/dW = x이므로 dW = 2/n * sum(x (y_hat - y))입니다",
    "forward gives other outputs each time for the same x: it creates a new layer on every call; create self.linear once in __init__ and use it":
        "같은 x에 대해 forward의 출력이 매번 다릅니다. 호출할 때마다 새 층을 만들기 때문입니다. self.linear는 __init__에서 한 번만 만들어 쓰세요",
    "forward gives other outputs each time for the same x: it creates new layers on every call; create them once in __init__ and use them in forward":
        "같은 x에 대해 forward의 출력이 매번 다릅니다. 호출할 때마다 새 층을 만들기 때문입니다. 층은 __init__에서 한 번만 만들고 forward에서는 사용만 하세요",
    "forward multiplies x by the weight as it is, but nn.Linear keeps its weight as (x_out, x_in): return self.linear(x) (or x @ self.linear.weight.T + self.linear.bias)":
        "forward가 x에 가중치를 그대로 곱하는데, nn.Linear의 가중치는 (x_out, x_in) 모양입니다. self.linear(x)를 반환하세요 (또는 x @ self.linear.weight.T + self.linear.bias)",
    "forward on {n} inputs, a tensor of shape ({n}, 2), returned {shape}; it should return ({n}, 1)":
        "shape이 ({n}, 2)인 텐서(입력 {n}개)에 대해 forward가 {shape}을(를) 반환했습니다. ({n}, 1)을 반환해야 합니다",
    "forward returns None: end it with return a2":
        "forward가 None을 반환합니다. 마지막에 return a2를 쓰세요",
    "forward returns None: end it with return self.linear(x)":
        "forward가 None을 반환합니다. 마지막에 return self.linear(x)를 쓰세요",
    "forward returns the layer itself, not its output: return self.linear(x)":
        "forward가 층의 출력이 아니라 층 자체를 반환합니다: return self.linear(x)",
    "from your start W = {w0:.3f}, b = {b0:.3f}, W = {w:.3f}, b = {b:.3f} after {epochs} epochs, as the lecture's loop gives":
        "작성한 시작값 W = {w0:.3f}, b = {b0:.3f}에서 {epochs} 에폭 후 W = {w:.3f}, b = {b:.3f}로, 강의의 루프와 같습니다",
    "h applies the sigmoid whatever the network's activation is (here {activation}): use model.activation(z1)":
        "h가 신경망의 활성화 함수(여기서는 {activation})와 상관없이 시그모이드를 씁니다. model.activation(z1)을 쓰세요",
    "hidden {hidden}":
        "은닉 유닛 {hidden}개",
    "line {line} of your cell (`{code}`)":
        "작성한 셀의 {line}번째 줄(`{code}`)에서",
    "linear2 is applied to z1, before the hidden activation: a1 = activation(z1), then z2 = linear2(a1)":
        "linear2가 은닉층 활성화 함수보다 먼저 z1에 적용됩니다. a1 = activation(z1)을 구한 다음 z2 = linear2(a1)입니다",
    "lr {lr:g}":
        "학습률 {lr:g}",
    "math.exp works on one number only: use torch.exp, which works element by element":
        "math.exp는 숫자 하나에만 쓸 수 있습니다. 원소별로 계산하는 torch.exp를 쓰세요",
    "nn.Linear takes (in_features, out_features): nn.Linear(2, hidden), nn.Linear(hidden, 1)":
        "nn.Linear에는 (in_features, out_features)를 넘깁니다: nn.Linear(2, hidden), nn.Linear(hidden, 1)",
    "none of these is better: try the other optimizer (the grid above)":
        "이 중 더 나은 것이 없습니다. 다른 옵티마이저를 시도해 보세요 (위의 표 참고)",
    "numpy cannot follow autograd: use torch functions (torch.exp, not np.exp or math.exp)":
        "numpy는 autograd가 따라가지 못합니다. torch 함수를 쓰세요 (np.exp, math.exp가 아니라 torch.exp)",
    "optimizer.step() updates another model's weights: use the optimizer made in the function, over model.parameters()":
        "optimizer.step()이 다른 모델의 가중치를 갱신합니다. 함수 안에서 model.parameters()로 만든 옵티마이저를 쓰세요",
    "self.linear is the class {name} itself, not a layer: create one, nn.Linear(x_in, x_out)":
        "self.linear가 층이 아니라 클래스 {name} 자체입니다. nn.Linear(x_in, x_out)로 층을 만드세요",
    "self.{name} is the class nn.{kind} itself, not a layer: create one, nn.{kind}()":
        "self.{name}이(가) 층이 아니라 클래스 nn.{kind} 자체입니다. nn.{kind}()로 층을 만드세요",
    "softmax over one output is always 1: for one output unit use the sigmoid":
        "출력이 하나일 때 softmax는 항상 1입니다. 출력 유닛이 하나면 시그모이드를 쓰세요",
    "that is 1 / e^(-z) = e^z without the 1 +: sigma(z) = 1 / (1 + e^(-z))":
        "그것은 1 +가 빠진 1 / e^(-z) = e^z입니다: sigma(z) = 1 / (1 + e^(-z))",
    "that uses log base 10 (or 2): cross-entropy uses the natural log, torch.log":
        "밑이 10(또는 2)인 로그를 썼습니다. 교차 엔트로피는 자연로그 torch.log를 씁니다",
    "the check could not read what your code did ({error})":
        "확인 코드가 작성한 코드의 실행 결과를 읽지 못했습니다 ({error})",
    "the cost has no graph back to W and b: it was computed under torch.no_grad(), from W.detach() or from .item() numbers; compute y_hat = X * W + b and the cost normally inside the loop":
        "cost에서 W와 b로 이어지는 계산 그래프가 없습니다. torch.no_grad() 안에서, 또는 W.detach()나 .item() 숫자로 계산했습니다. 반복문 안에서 y_hat = X * W + b와 cost를 평소처럼 계산하세요",
    "the cost has no graph back to the model's weights: the logits were computed under torch.no_grad(), .detach()ed or taken with .item(); compute logits = model.linear(X) normally inside the loop":
        "cost에서 모델의 가중치로 이어지는 계산 그래프가 없습니다. 로짓을 torch.no_grad() 안에서 계산했거나 .detach(), .item()을 썼습니다. 반복문 안에서 logits = model.linear(X)를 평소처럼 계산하세요",
    "the cost is nn.BCELoss on sigmoid(logits): the exercise is to give the logits to loss_fn, nn.BCEWithLogitsLoss, which applies the sigmoid itself and stays exact where BCELoss needs + 1e-8":
        "cost가 sigmoid(logits)에 대한 nn.BCELoss입니다. 이 실습은 로짓을 loss_fn, 즉 nn.BCEWithLogitsLoss에 넘기는 것입니다. 이 함수는 시그모이드를 스스로 적용하고, BCELoss라면 + 1e-8이 필요한 곳에서도 정확합니다",
    "the denominator is 1 + e^(-z), not 1 - e^(-z)":
        "분모는 1 - e^(-z)가 아니라 1 + e^(-z)입니다",
    "the first epoch's cost is {got:.4f}, but the mean squared error of y_hat = X * W + b is {want:.4f}: cost = loss_fn(X * W + b, y)":
        "첫 에폭의 cost가 {got:.4f}인데, y_hat = X * W + b의 평균 제곱 오차는 {want:.4f}입니다: cost = loss_fn(X * W + b, y)",
    "the hidden activation is applied twice: a1 = activation(z1) once, then linear2":
        "은닉층 활성화 함수가 두 번 적용됩니다. a1 = activation(z1)을 한 번만 구하고 linear2에 넘기세요",
    "the indentation is off: the lines of a block must start in the same column":
        "들여쓰기가 맞지 않습니다. 한 블록의 줄들은 같은 열에서 시작해야 합니다",
    "the layer has no bias: linear regression is y = W x + b, so keep nn.Linear's bias":
        "층에 편향이 없습니다. 선형 회귀는 y = W x + b이므로 nn.Linear의 편향을 그대로 두세요",
    "the loop makes {count} updates; the exercise asks for {epochs} epochs (for epoch in range(slide_epochs)), one update each":
        "반복문이 {count}번 갱신합니다. 실습은 {epochs} 에폭(for epoch in range(slide_epochs)), 에폭마다 한 번씩 갱신하는 것입니다",
    "the loop never calls cost.backward(), so W.grad stays empty and W and b never change":
        "반복문이 cost.backward()를 호출하지 않아서 W.grad가 비어 있고 W와 b가 바뀌지 않습니다",
    "the loop never calls cost.backward(), so no gradient reaches the weights":
        "반복문이 cost.backward()를 호출하지 않아서 가중치에 기울기가 전달되지 않습니다",
    "the loss diverged: it grew from {first:.3g} to {last:.3g} in {n} epochs — lr = {lr} is past this data's stability limit 2/lambda_max = {limit:.3f}; the exercise uses lr = {want}":
        "손실이 발산했습니다. {n} 에폭 동안 {first:.3g}에서 {last:.3g}로 커졌습니다 — 학습률 lr = {lr}이(가) 이 데이터의 안정 한계 2/lambda_max = {limit:.3f}를 넘습니다. 실습의 학습률은 lr = {want}입니다",
    "the network has {count} linear layers; the lecture's 2-H-1 network has two":
        "신경망에 선형 층이 {count}개 있습니다. 강의의 2-H-1 신경망에는 두 개입니다",
    "the number of samples is written as {n}: on other data it is different — use n = len(X)":
        "샘플 수를 {n}(으)로 직접 썼습니다. 다른 데이터에서는 달라집니다 — n = len(X)를 쓰세요",
    "the optimizer does not hold {names}, so step() never updates it: optim.SGD([W, b], lr={lr})":
        "옵티마이저에 {names}이(가) 없어서 step()이 갱신하지 않습니다: optim.SGD([W, b], lr={lr})",
    "the optimizer is {kind}; the lecture's loop uses plain gradient descent, optim.SGD([W, b], lr={lr})":
        "옵티마이저가 {kind}입니다. 강의의 루프는 기본 경사 하강법 optim.SGD([W, b], lr={lr})를 씁니다",
    "the optimizer is {kind}; train with the optim.SGD the function creates":
        "옵티마이저가 {kind}입니다. 함수가 만드는 optim.SGD로 학습하세요",
    "the optimizer's lr is {got:g}, not the lr = {want:g} passed to train_on_logits: use the argument":
        "옵티마이저의 학습률이 train_on_logits에 넘겨진 lr = {want:g}가 아니라 {got:g}입니다. 인자를 쓰세요",
    "the optimizer's lr is {got:g}; the exercise's loop uses lr = {want}":
        "옵티마이저의 학습률이 {got:g}입니다. 실습의 루프는 lr = {want}를 씁니다",
    "the output has no graph back to the layer's weights (torch.no_grad() or .detach() in forward), so training could not update them":
        "출력에서 층의 가중치로 이어지는 계산 그래프가 없습니다 (forward 안의 torch.no_grad() 또는 .detach()). 그래서 학습으로 가중치를 갱신할 수 없습니다",
    "the output sigmoid is applied twice: y_hat = sigmoid(z2) once":
        "출력 시그모이드가 두 번 적용됩니다. y_hat = sigmoid(z2)는 한 번만 구하세요",
    "the result has shape ({n}, {n}): y of shape ({n},) against y_hat of shape ({n}, 1) broadcasts to a table — keep both ({n}, 1)":
        "결과의 shape이 ({n}, {n})입니다. shape이 ({n},)인 y와 ({n}, 1)인 y_hat이 브로드캐스팅되어 표가 되었습니다 — 둘 다 ({n}, 1)로 두세요",
    "the terms are paired the wrong way round: y goes with log(y_hat), (1 - y) with log(1 - y_hat)":
        "항의 짝이 뒤바뀌었습니다. y에는 log(y_hat)이, (1 - y)에는 log(1 - y_hat)이 짝입니다",
    "train_on_logits made {count} updates for epochs = {epochs}: one step per epoch, for epoch in range(epochs)":
        "epochs = {epochs}인데 train_on_logits가 {count}번 갱신했습니다. 에폭마다 한 번씩 갱신하세요: for epoch in range(epochs)",
    "train_on_logits trains on the notebook's y, not on the targets passed to it: use its arguments X and y":
        "train_on_logits가 넘겨받은 정답이 아니라 노트북의 y로 학습합니다. 인자 X와 y를 쓰세요",
    "try {change}":
        "{change}(으)로 해 보세요",
    "your code":
        "작성한 코드에서",
    "z1 calls the model's layer; compute it by hand from W1 and b1: X @ W1.T + b1":
        "z1이 모델의 층을 호출합니다. W1과 b1로 직접 계산하세요: X @ W1.T + b1",
    "z2 calls the model's layer; compute it by hand from h, w2 and b2: h @ w2.T + b2":
        "z2가 모델의 층을 호출합니다. h, w2, b2로 직접 계산하세요: h @ w2.T + b2",
    "zero_grad() runs between backward() and step(), so step() finds no gradient and W and b never change: call optimizer.zero_grad() before cost.backward()":
        "zero_grad()가 backward()와 step() 사이에서 실행되어 step()에 기울기가 남아 있지 않고 W와 b가 바뀌지 않습니다. cost.backward() 전에 optimizer.zero_grad()를 호출하세요",
    "zero_grad() runs between backward() and step(), so step() finds no gradient: call optimizer.zero_grad() before cost.backward()":
        "zero_grad()가 backward()와 step() 사이에서 실행되어 step()에 기울기가 남아 있지 않습니다. cost.backward() 전에 optimizer.zero_grad()를 호출하세요",
    "{change}: {rate:.0f} % succeed":
        "{change}: {rate:.0f} % 성공",
    "{layer} has no bias (bias=False): every unit of the lecture's network adds its bias, and without it the boundary must pass through fixed points — keep nn.Linear's bias":
        "{layer}에 편향이 없습니다 (bias=False). 강의의 신경망은 모든 유닛이 편향을 더하며, 편향이 없으면 결정 경계가 고정된 점을 지나야 합니다 — nn.Linear의 편향을 그대로 두세요",
    "{names} get no gradient, so training would never change them: forward must compute the output from the layers without torch.no_grad() or .detach()":
        "{names}에 기울기가 전달되지 않아서 학습해도 바뀌지 않습니다. forward는 torch.no_grad()나 .detach() 없이 층들로 출력을 계산해야 합니다",
    "{name} changes its argument z in place (z *= -1, z.neg_(), ...), so the caller's tensor changes too: compute a new tensor instead":
        "{name}이(가) 인자 z를 그 자리에서(in place) 바꿉니다 (z *= -1, z.neg_() 등). 그래서 호출한 쪽의 텐서도 바뀝니다. 새 텐서로 계산하세요",
    "{name} has shape {shape}; the lecture's {name} is torch.rand(1): one number":
        "{name}의 shape이 {shape}입니다. 강의의 {name}은(는) torch.rand(1), 즉 숫자 하나입니다",
    "{name} is not defined: run the exercise cell above (it may have stopped at an error)":
        "{name}이(가) 정의되지 않았습니다. 위의 실습 셀을 실행하세요 (오류로 중간에 멈췄을 수 있습니다)",
    "{name} is right for the notebook's network but not for another one (2-5-1): compute it from X, W1, b1, w2, b2 and the model's activation, not from fixed numbers":
        "{name}이(가) 노트북의 신경망에서는 맞지만 다른 신경망(2-5-1)에서는 틀립니다. 고정된 숫자가 아니라 X, W1, b1, w2, b2와 모델의 활성화 함수로 계산하세요",
    "{name} is right on a 1-D grid but not on a 2-D tensor of shape {shape}: work element by element (no indexing or sums)":
        "{name}이(가) 1차원 격자에서는 맞지만 shape이 {shape}인 2차원 텐서에서는 틀립니다. 인덱싱이나 합 없이 원소별로 계산하세요",
    "{name} returned None: end it with return ...":
        "{name}이(가) None을 반환했습니다. 마지막에 return으로 결과를 반환하세요",
    "{text}, needs at least {need:.0f} %. Nearby with {optimizer} ({models} seeds each): {nearby} — {advice}":
        "{text}. 최소 {need:.0f} %가 필요합니다. {optimizer}로 가까운 설정(각 시드 {models}개): {nearby} — {advice}",
    "{text}; {count} diverged — lower the learning rate. Nearby ({models} seeds each): {nearby}":
        "{text}. {count}개가 발산했습니다 — 학습률을 낮추세요. 가까운 설정(각 시드 {models}개): {nearby}",
    "{where} raised {error}":
        "{where} 오류가 났습니다: {error}",
    "{where} raised {error} — {hint}":
        "{where} 오류가 났습니다: {error} — {hint}",
    "double a number":
        "수를 두 배로",
    "half a number":
        "수를 절반으로",
    "the check did not run (the notebook stopped before it)":
        "검사가 실행되지 않았습니다 (노트북이 그 전에 멈췄습니다)",
    "the check is not one of this package's":
        "이 패키지의 검사가 아닙니다",
    "the record holds inputs this run's check never gave ({where}): it was made elsewhere, not by this run":
        "기록에 이번 실행의 검사가 준 적 없는 입력이 있습니다 ({where}): 이번 실행이 아니라 다른 곳에서 만든 기록입니다",
    "note: {text}":
        "참고: {text}",
}
